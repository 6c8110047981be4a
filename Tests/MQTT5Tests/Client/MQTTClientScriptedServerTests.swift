import MQTT5TestSupport
import MQTT5
import NIOCore
import Testing

/// Client behaviour against faults a real broker cannot produce on demand, using the scripted server.
@Suite("Client against a scripted server", .timeLimit(.minutes(1)))
struct MQTTClientScriptedServerTests {
    @Test("A broker that never answers CONNECT: CONNACK timeout, then the client retries by itself")
    func connAckTimeout() async throws {
        let server = try await ScriptedMQTTServer.start()
        var configuration = try MQTTClient.Configuration.test(url: server.url)
        configuration.connAckTimeout = .milliseconds(300)
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let first = try await server.nextConnection()
        guard case .connect = try await first.receive() else { throw TestTimeout("no CONNECT") }
        let (connAck, error) = try await events.connectionFailure()
        #expect(connAck == nil)
        #expect(error.code == .connAckTimeout)
        try await first.waitForClose()
        // From now on the server answers every connection (a slow test host may let an attempt time out again).
        let acceptor = Task {
            var connections: [ScriptedConnection] = []
            while let (connection, _) = try? await server.acceptClient() { connections.append(connection) }
            return connections.count
        }
        try await events.connectionSuccess()
        await client.stop()
        await server.close()
        #expect(await acceptor.value >= 1)
    }

    @Test("Server topic aliases are resolved; an unknown alias closes with DISCONNECT 0x82")
    func inboundTopicAliases() async throws {
        let server = try await ScriptedMQTTServer.start()
        var configuration = try MQTTClient.Configuration.test(url: server.url)
        configuration.topicAliasing.inbound = .enabled(cacheSize: 4)
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        let publishes = PublishRecorder(client)
        client.start()
        let (connection, connect) = try await server.acceptClient()
        #expect(connect.properties.topicAliasMaximum == 4)
        try await events.connectionSuccess()
        var properties = MQTTProperties()
        properties.topicAlias = 3
        connection.send(
            .publish(MQTTPublishPacket(topic: "alias/topic", payload: ByteBuffer(string: "1"), properties: properties)))
        connection.send(
            .publish(MQTTPublishPacket(topic: "", payload: ByteBuffer(string: "2"), properties: properties)))
        let first = try await publishes.next()
        let second = try await publishes.next()
        #expect(first.topic == "alias/topic" && first.payload.text == "1")
        #expect(second.topic == "alias/topic" && second.payload.text == "2")
        properties.topicAlias = 2
        connection.send(
            .publish(MQTTPublishPacket(topic: "", payload: ByteBuffer(string: "3"), properties: properties)))
        let disconnect = try await connection.receive { if case .disconnect = $0 { true } else { false } }
        #expect(
            disconnect
                == .disconnect(
                    MQTTDisconnectPacket(
                        reasonCode: .protocolError,
                        properties: {
                            var p = MQTTProperties()
                            p.reasonString = "PUBLISH with Topic Alias 2, which no earlier PUBLISH bound"
                            return p
                        }())))
        let (_, error) = try await events.disconnection()
        #expect(error.code == .protocolViolation)
        #expect(error.reasonCode == .disconnect(.protocolError))
        await client.stop()
        await server.close()
    }

    @Test("A tiny server Receive Maximum: never more QoS 1 publishes in flight than allowed")
    func serverReceiveMaximum() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        client.start()
        let (connection, _) = try await server.acceptClient(
            .init(
                properties: {
                    var p = MQTTProperties(); p.receiveMaximum = 1; return p
                }()))
        try await client.waitForConnection(timeout: .seconds(5))
        try await withThrowingTaskGroup(of: MQTTPublishResult.self) { group in
            for index in 0..<3 {
                group.addTask {
                    try await client.publish(
                        to: "t/\(index)", payload: ByteBuffer(string: "\(index)"), qos: .atLeastOnce)
                }
            }
            for expected in 0..<3 {
                let packet = try await connection.receive()
                guard case .publish(let publish) = packet else { throw TestTimeout("expected PUBLISH, got \(packet)") }
                #expect(publish.qos == .atLeastOnce)
                // Nothing else arrives while this one is unacknowledged.
                await #expect(throws: TestTimeout.self) { try await connection.receive(timeout: .milliseconds(150)) }
                #expect(client.statistics.unackedOperationCount == 1)
                #expect(client.statistics.incompleteOperationCount == 3 - expected)
                connection.send(.pubAck(MQTTPubAckPacket(packetIdentifier: publish.packetIdentifier ?? 0)))
            }
            var results = 0
            for try await result in group {
                #expect(result.isSuccess)
                results += 1
            }
            #expect(results == 3)
        }
        await client.stop()
        await server.close()
    }

    @Test("Malformed bytes from the broker: DISCONNECT 0x81 and a protocolViolation disconnection")
    func malformedBytes() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        let events = EventRecorder(client)
        client.start()
        let (connection, _) = try await server.acceptClient()
        try await events.connectionSuccess()
        connection.sendRaw([0x30, 0x03, 0x00, 0x05, 0x61])  // PUBLISH whose topic length overruns the packet
        let packet = try await connection.receive()
        guard case .disconnect(let disconnect) = packet else { throw TestTimeout("expected DISCONNECT, got \(packet)") }
        #expect(disconnect.reasonCode == .malformedPacket)
        let (_, error) = try await events.disconnection()
        #expect(error.code == .protocolViolation)
        try await connection.waitForClose()
        await client.stop()
        await server.close()
    }

    @Test("Server DISCONNECT with reason string and server reference reaches the disconnection event")
    func serverDisconnect() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        let events = EventRecorder(client)
        client.start()
        let (connection, _) = try await server.acceptClient()
        try await events.connectionSuccess()
        var properties = MQTTProperties()
        properties.reasonString = "going down"
        properties.serverReference = "backup.example:1883"
        let sent = MQTTDisconnectPacket(reasonCode: .serverShuttingDown, properties: properties)
        connection.send(.disconnect(sent))
        connection.close()
        let (packet, error) = try await events.disconnection()
        #expect(packet == sent)
        #expect(error.code == .serverDisconnected)
        #expect(error.reasonCode == .disconnect(.serverShuttingDown))
        #expect(error.reasonString == "going down")
        #expect(error.serverReference == "backup.example:1883")
        // The client reconnects by itself.
        _ = try await server.acceptClient()
        try await events.connectionSuccess()
        await client.stop()
        await server.close()
    }

    @Test("Enhanced authentication: the handler answers the broker's AUTH challenge before CONNACK")
    func authExchange() async throws {
        let server = try await ScriptedMQTTServer.start()
        var configuration = try MQTTClient.Configuration.test(url: server.url)
        configuration.authenticationMethod = "TEST-CHALLENGE"
        configuration.authenticationData = ByteBuffer(string: "hello")
        configuration.authenticationHandler = { challenge in
            var properties = MQTTProperties()
            properties.authenticationMethod = "TEST-CHALLENGE"
            properties.authenticationData = ByteBuffer(
                string: "answer to \(challenge.properties.authenticationData?.text ?? "")")
            return MQTTAuthPacket(reasonCode: .continueAuthentication, properties: properties)
        }
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let connection = try await server.nextConnection()
        guard case .connect(let connect) = try await connection.receive() else { throw TestTimeout("no CONNECT") }
        #expect(connect.properties.authenticationMethod == "TEST-CHALLENGE")
        #expect(connect.properties.authenticationData?.text == "hello")
        var challenge = MQTTProperties()
        challenge.authenticationMethod = "TEST-CHALLENGE"
        challenge.authenticationData = ByteBuffer(string: "nonce-1")
        connection.send(.auth(MQTTAuthPacket(reasonCode: .continueAuthentication, properties: challenge)))
        guard case .auth(let answer) = try await connection.receive() else { throw TestTimeout("no AUTH") }
        #expect(answer.properties.authenticationData?.text == "answer to nonce-1")
        connection.send(
            .connAck(
                MQTTConnAckPacket(
                    properties: {
                        var p = MQTTProperties(); p.authenticationMethod = "TEST-CHALLENGE"; return p
                    }())))
        try await events.connectionSuccess()
        // Re-authentication.
        var reauth = MQTTProperties()
        reauth.authenticationMethod = "TEST-CHALLENGE"
        async let done = client.auth(MQTTAuthPacket(reasonCode: .reAuthenticate, properties: reauth))
        guard case .auth(let request) = try await connection.receive() else {
            throw TestTimeout("no re-authentication AUTH")
        }
        #expect(request.reasonCode == .reAuthenticate)
        connection.send(.auth(MQTTAuthPacket(reasonCode: .success, properties: reauth)))
        #expect(try await done.reasonCode == .success)
        await client.stop()
        await server.close()
    }

    @Test("No PINGRESP: the ping timeout closes the connection and the client reconnects")
    func pingTimeout() async throws {
        let server = try await ScriptedMQTTServer.start()
        var configuration = try MQTTClient.Configuration.test(url: server.url)
        configuration.keepAlive = .seconds(1)
        configuration.pingTimeout = .milliseconds(300)
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let (connection, connect) = try await server.acceptClient()
        #expect(connect.keepAlive == 1)
        #expect(try await connection.receive(timeout: .seconds(3)) == .pingReq)
        let (_, error) = try await events.disconnection(timeout: .seconds(3))
        #expect(error.code == .pingTimeout)
        try await connection.waitForClose()
        let (again, _) = try await server.acceptClient()
        // This time the server answers: the connection stays up over several pings.
        for _ in 0..<2 {
            #expect(try await again.receive(timeout: .seconds(3)) == .pingReq)
            again.send(.pingResp)
        }
        #expect(client.isConnected)
        await client.stop()
        await server.close()
    }

    @Test("A CONNACK that cannot heal (bad credentials) is reported and the client stops instead of retrying")
    func fatalConnAck() async throws {
        let server = try await ScriptedMQTTServer.start()
        var configuration = try MQTTClient.Configuration.test(url: server.url)
        configuration.username = "user"
        configuration.setPassword("wrong")
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        async let waited: Void = {
            do {
                try await client.waitForConnection(timeout: .seconds(5))
                Issue.record("connected")
            } catch let error as MQTTError {
                #expect(error.code == .clientStopped)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }()
        let (_, connect) = try await server.acceptClient(MQTTConnAckPacket(reasonCode: .badUserNameOrPassword))
        #expect(connect.username == "user")
        let (connAck, error) = try await events.connectionFailure()
        #expect(connAck?.reasonCode == .badUserNameOrPassword)
        #expect(error.code == .connectionRefused)
        let stopped = try await events.stopped()
        #expect(stopped?.reasonCode == .connAck(.badUserNameOrPassword))
        await waited
        await #expect(throws: TestTimeout.self) { try await server.nextConnection(timeout: .milliseconds(400)) }
        await server.close()
    }

    @Test("An assigned client identifier is reused on reconnection")
    func assignedClientIdentifier() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url, clientIdentifier: ""))
        let events = EventRecorder(client)
        client.start()
        var properties = MQTTProperties()
        properties.assignedClientIdentifier = "server-chose-this"
        let (first, connect) = try await server.acceptClient(MQTTConnAckPacket(properties: properties))
        #expect(connect.clientIdentifier == "")
        let (_, settings) = try await events.connectionSuccess()
        #expect(settings.clientIdentifier == "server-chose-this")
        first.close()
        let (_, reconnect) = try await server.acceptClient()
        #expect(reconnect.clientIdentifier == "server-chose-this")
        await client.stop()
        await server.close()
    }

    @Test("A publish above the broker's Maximum Packet Size fails locally, the connection stays up")
    func packetTooLarge() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        client.start()
        let (connection, _) = try await server.acceptClient(
            MQTTConnAckPacket(
                properties: {
                    var p = MQTTProperties(); p.maximumPacketSize = 64; return p
                }()))
        try await client.waitForConnection(timeout: .seconds(5))
        await #expect {
            try await client.publish(to: "big", payload: ByteBuffer(repeating: 0x61, count: 100), qos: .atLeastOnce)
        } throws: { error in
            (error as? MQTTError)?.code == .packetTooLarge
        }
        try await client.publish(to: "small", payload: ByteBuffer(string: "ok"))
        guard case .publish(let small) = try await connection.receive() else { throw TestTimeout("no PUBLISH") }
        #expect(small.topic == "small")
        #expect(client.isConnected)
        await client.stop()
        await server.close()
    }

    @Test("Session resumption: an unacknowledged QoS 1 publish is resent with DUP and the same identifier")
    func retransmission() async throws {
        let server = try await ScriptedMQTTServer.start()
        var configuration = try MQTTClient.Configuration.test(url: server.url)
        configuration.sessionBehavior = .rejoinPostSuccess
        configuration.sessionExpiryInterval = 60
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let (first, connect) = try await server.acceptClient()
        #expect(connect.cleanStart)
        #expect(connect.properties.sessionExpiryInterval == 60)
        try await events.connectionSuccess()
        async let result = client.publish(to: "resume", payload: ByteBuffer(string: "once"), qos: .atLeastOnce)
        guard case .publish(let original) = try await first.receive() else { throw TestTimeout("no PUBLISH") }
        first.close()
        try await events.disconnection()
        let (second, reconnect) = try await server.acceptClient(MQTTConnAckPacket(sessionPresent: true))
        #expect(!reconnect.cleanStart)
        let (_, settings) = try await events.connectionSuccess()
        #expect(settings.rejoinedSession)
        guard case .publish(let resent) = try await second.receive() else { throw TestTimeout("no resent PUBLISH") }
        #expect(resent.dup)
        #expect(resent.packetIdentifier == original.packetIdentifier)
        #expect(resent.payload.text == "once")
        second.send(.pubAck(MQTTPubAckPacket(packetIdentifier: resent.packetIdentifier ?? 0)))
        #expect(try await result.isSuccess)
        await client.stop()
        await server.close()
    }

    @Test("Lifecycle events come in order and stop sends DISCONNECT")
    func lifecycleOrder() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        let events = EventRecorder(client)
        client.start()
        let (connection, _) = try await server.acceptClient()
        try await client.waitForConnection(timeout: .seconds(5))
        await client.stop(disconnect: MQTTDisconnectPacket(reasonCode: .disconnectWithWillMessage))
        #expect(
            try await connection.receive() == .disconnect(MQTTDisconnectPacket(reasonCode: .disconnectWithWillMessage)))
        var kinds: [String] = []
        while kinds.last != "stopped" {
            switch try await events.events.next() {
            case .attemptingConnect: kinds.append("attemptingConnect")
            case .connectionSuccess: kinds.append("connectionSuccess")
            case .connectionFailure: kinds.append("connectionFailure")
            case .disconnection(_, let error):
                #expect(error.code == .clientStopped)
                kinds.append("disconnection")
            case .stopped(let error):
                #expect(error == nil)
                kinds.append("stopped")
            }
        }
        #expect(kinds == ["attemptingConnect", "connectionSuccess", "disconnection", "stopped"])
        #expect(client.negotiatedSettings == nil)
        await server.close()
    }

    @Test("withMQTTClient stops the client (DISCONNECT) when the body throws")
    func scopedCleanup() async throws {
        let server = try await ScriptedMQTTServer.start()
        struct BodyError: Error {}
        async let accepted = server.acceptClient()
        await #expect(throws: BodyError.self) {
            try await withMQTTClient(configuration: try .test(url: server.url), connectTimeout: .seconds(5)) { client in
                #expect(client.isConnected)
                throw BodyError()
            }
        }
        let (connection, _) = try await accepted
        #expect(try await connection.receive() == .disconnect(MQTTDisconnectPacket()))
        try await connection.waitForClose()
        await server.close()
    }

    @Test("Cancelling the task of a queued publish fails it with cancelled and removes it")
    func cancellation() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        client.start()
        let (connection, _) = try await server.acceptClient(
            MQTTConnAckPacket(
                properties: {
                    var p = MQTTProperties(); p.receiveMaximum = 1; return p
                }()))
        try await client.waitForConnection(timeout: .seconds(5))
        async let first = client.publish(to: "a", payload: ByteBuffer(string: "1"), qos: .atLeastOnce)
        guard case .publish(let sent) = try await connection.receive() else { throw TestTimeout("no PUBLISH") }
        let queued = Task { try await client.publish(to: "b", payload: ByteBuffer(string: "2"), qos: .atLeastOnce) }
        while client.statistics.incompleteOperationCount < 2 { try await Task.sleep(for: .milliseconds(5)) }
        queued.cancel()
        let outcome = await queued.result
        #expect(throws: MQTTError.self) { try outcome.get() }
        if case .failure(let error as MQTTError) = outcome { #expect(error.code == .cancelled) }
        connection.send(.pubAck(MQTTPubAckPacket(packetIdentifier: sent.packetIdentifier ?? 0)))
        #expect(try await first.isSuccess)
        await #expect(throws: TestTimeout.self) { try await connection.receive(timeout: .milliseconds(200)) }
        #expect(client.statistics == MQTTOperationStatistics())
        await client.stop()
        await server.close()
    }
}
