import MQTT5
import MQTT5Testing
import NIOCore
import Testing

@Suite("MQTTTestBroker: connecting")
struct MQTTTestBrokerConnectTests {
    @Test("MQTT 5 client with an empty identifier gets an assigned one")
    func assignedIdentifierV5() async throws {
        try await withMQTTTestBroker { broker in
            let (client, connAck) = try await RawMQTTClient.connect(to: broker, MQTTConnectPacket(clientIdentifier: ""))
            defer { Task { await client.close() } }
            #expect(connAck.reasonCode == .success)
            #expect(connAck.sessionPresent == false)
            let assigned = try #require(connAck.properties.assignedClientIdentifier)
            #expect(assigned.hasPrefix("mqtt-test-broker-"))
            #expect(broker.connectedClientIDs == [assigned])
            #expect(broker.receivedPackets(clientID: assigned).first?.packetType == .connect)
        }
    }

    @Test("MQTT 3.1.1 client with an empty identifier and clean session is accepted")
    func assignedIdentifierV311() async throws {
        try await withMQTTTestBroker { broker in
            let connect = MQTTConnectPacket(protocolVersion: .v3_1_1, clientIdentifier: "")
            let (client, connAck) = try await RawMQTTClient.connect(to: broker, connect)
            #expect(connAck.reasonCode == .success)
            #expect(connAck.properties.assignedClientIdentifier == nil)
            #expect(broker.connectedClientIDs.count == 1)
            // The session works in 3.1.1 too.
            let subAck = try await client.subscribe("a/b")
            #expect(subAck.reasonCodes == [.grantedQoS1])
            await client.close()
        }
    }

    @Test("MQTT 3.1.1 client with an empty identifier and a persistent session is refused")
    func emptyIdentifierPersistentV311() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.open(to: broker, version: .v3_1_1)
            let connAck = try await client.handshake(
                MQTTConnectPacket(protocolVersion: .v3_1_1, cleanStart: false, clientIdentifier: ""))
            #expect(connAck.reasonCode == .clientIdentifierNotValid)
            _ = try await client.waitForClose()
        }
    }

    @Test("CONNACK advertises the configured capabilities")
    func advertisedCapabilities() async throws {
        var configuration = MQTTTestBroker.Configuration()
        configuration.capabilities.receiveMaximum = 2
        configuration.capabilities.maximumPacketSize = 4096
        configuration.capabilities.maximumQoS = .atLeastOnce
        configuration.capabilities.retainAvailable = false
        configuration.capabilities.topicAliasMaximum = 3
        configuration.capabilities.sharedSubscriptionAvailable = false
        configuration.capabilities.serverKeepAlive = 30
        try await withMQTTTestBroker(configuration: configuration) { broker in
            let (client, connAck) = try await RawMQTTClient.connect(
                to: broker, MQTTConnectPacket(keepAlive: 0, clientIdentifier: "caps"))
            #expect(connAck.properties.receiveMaximum == 2)
            #expect(connAck.properties.maximumPacketSize == 4096)
            #expect(connAck.properties.maximumQoS == .atLeastOnce)
            #expect(connAck.properties.retainAvailable == false)
            #expect(connAck.properties.topicAliasMaximum == 3)
            #expect(connAck.properties.sharedSubscriptionAvailable == false)
            #expect(connAck.properties.serverKeepAlive == 30)
            // Limits are enforced: QoS 2 above the maximum QoS.
            try await client.publish("t", "x", qos: .exactlyOnce)
            let packets = try await client.waitForClose()
            #expect(
                packets == [
                    .disconnect(
                        MQTTDisconnectPacket(
                            reasonCode: .qosNotSupported, properties: Self.reason("QoS 2 above the maximum QoS")))
                ])
        }
    }

    @Test("Unavailable features are refused in SUBACK and by DISCONNECT")
    func unavailableFeatures() async throws {
        var configuration = MQTTTestBroker.Configuration()
        configuration.capabilities.wildcardSubscriptionAvailable = false
        configuration.capabilities.sharedSubscriptionAvailable = false
        configuration.capabilities.retainAvailable = false
        try await withMQTTTestBroker(configuration: configuration) { broker in
            let client = try await RawMQTTClient.connect(to: broker, clientID: "limited")
            let subAck = try await client.subscribe([
                MQTTSubscription(topicFilter: "a/+"),
                MQTTSubscription(topicFilter: "$share/g/a"),
                MQTTSubscription(topicFilter: "a/b"),
            ])
            #expect(
                subAck.reasonCodes == [
                    .wildcardSubscriptionsNotSupported, .sharedSubscriptionsNotSupported, .grantedQoS1,
                ])
            try await client.publish("a/b", "kept?", retain: true)
            let packets = try await client.waitForClose()
            #expect(packets.map(\.packetType) == [.disconnect])
            if case .disconnect(let disconnect) = packets.first {
                #expect(disconnect.reasonCode == .retainNotSupported)
            }
            #expect(await broker.retainedMessages.isEmpty)
        }
    }

    @Test("Runtime capability changes apply to the next connection")
    func runtimeCapabilities() async throws {
        try await withMQTTTestBroker { broker in
            broker.capabilities.receiveMaximum = 1
            let (client, connAck) = try await RawMQTTClient.connect(
                to: broker, MQTTConnectPacket(clientIdentifier: "later"))
            #expect(connAck.properties.receiveMaximum == 1)
            await client.close()
        }
    }

    @Test("A second connection with the same identifier takes the session over")
    func takeover() async throws {
        try await withMQTTTestBroker { broker in
            let first = try await RawMQTTClient.connect(to: broker, clientID: "same")
            let second = try await RawMQTTClient.connect(to: broker, clientID: "same")
            let packets = try await first.waitForClose()
            #expect(packets.map(\.packetType) == [.disconnect])
            if case .disconnect(let disconnect) = packets.first {
                #expect(disconnect.reasonCode == .sessionTakenOver)
            }
            try await broker.waitForConnection(clientID: "same")
            await second.close()
        }
    }

    @Test("Keep-alive is enforced at one and a half times the interval")
    func keepAliveEnforced() async throws {
        try await withMQTTTestBroker { broker in
            // Measured from before CONNECT: the broker's clock starts when it receives CONNECT,
            // which on a loaded machine can be well before the CONNACK reaches the client.
            let start = ContinuousClock.now
            let (client, _) = try await RawMQTTClient.connect(
                to: broker, MQTTConnectPacket(keepAlive: 1, clientIdentifier: "sleepy"))
            let packets = try await client.waitForClose(timeout: .seconds(4))
            let elapsed = ContinuousClock.now - start
            #expect(packets == [.disconnect(MQTTDisconnectPacket(reasonCode: .keepAliveTimeout))])
            #expect(elapsed >= .milliseconds(1400))
        }
    }

    @Test("PINGREQ keeps the connection alive and gets PINGRESP")
    func ping() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.connect(to: broker, clientID: "pinger")
            try await client.send(.pingReq)
            #expect(try await client.receive() == .pingResp)
            await client.close()
        }
    }

    @Test("The first packet must be CONNECT")
    func firstPacketNotConnect() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.open(to: broker)
            try await client.send(.pingReq)
            let packets = try await client.waitForClose()
            #expect(packets.isEmpty)
        }
    }

    @Test("An unsupported protocol level gets CONNACK 0x84")
    func unsupportedProtocolLevel() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.open(to: broker)
            let mqtt = Array("MQTT".utf8)
            // CONNECT, protocol level 6, clean start, keep alive 0, no properties, empty client identifier.
            try await client.sendRaw([0x10, 0x0D, 0x00, 0x04] + mqtt + [0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00])
            let packets = try await client.waitForClose()
            #expect(
                packets == [
                    .connAck(
                        MQTTConnAckPacket(
                            reasonCode: .unsupportedProtocolVersion,
                            properties: Self.reason("CONNECT with unsupported protocol MQTT level 6")))
                ])
        }
    }

    @Test("Shutdown disconnects MQTT 5 clients with Server shutting down")
    func shutdownDisconnects() async throws {
        let broker = try await MQTTTestBroker.start()
        let client = try await RawMQTTClient.connect(to: broker, clientID: "bye")
        await broker.shutdown()
        let packets = try await client.waitForClose()
        #expect(packets == [.disconnect(MQTTDisconnectPacket(reasonCode: .serverShuttingDown))])
        #expect(broker.connectedClientIDs.isEmpty)
        await broker.shutdown()  // idempotent
    }

    static func reason(_ string: String) -> MQTTProperties {
        var properties = MQTTProperties()
        properties.reasonString = string
        return properties
    }
}
