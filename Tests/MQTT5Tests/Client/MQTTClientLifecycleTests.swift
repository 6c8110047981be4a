@testable import MQTT5
import MQTT5TestSupport
import NIOCore
import Synchronization
import Testing

@Suite("Client lifecycle and the event-loop API", .timeLimit(.minutes(1)))
struct MQTTClientLifecycleTests {
    @Test(
        "The package API runs on the event loop: futures complete there, listeners are called there, before the public streams"
    )
    func eventLoopAPI() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        let order = Mutex<[String]>([])
        let publicStream = PublishRecorder(client)
        let listenerIDs = try await client.eventLoop.submit {
            let events = client.addEventListener { event in
                client.eventLoop.preconditionInEventLoop()
                if case .connectionSuccess(let connAck, _) = event {
                    order.withLock { $0.append("connected:\(connAck.sessionPresent)") }
                }
            }
            let publishes = client.addPublishListener { publish in
                client.eventLoop.preconditionInEventLoop()
                order.withLock { $0.append("listener:\(publish.topic)") }
            }
            return (events, publishes)
        }.get()
        client.start()
        let (connection, _) = try await server.acceptClient()
        try await client.waitForConnection(timeout: .seconds(10))
        #expect(order.withLock { $0 } == ["connected:false"])
        // A publish from the event loop: one write, the future completes on the loop.
        let onLoop = try await client.eventLoop.submit { () -> EventLoopFuture<Bool> in
            #expect(client.isConnectedOnEventLoop)
            return client.publish(
                MQTTPublishPacket(topic: "rr/req", payload: ByteBuffer(string: "x"), qos: .atLeastOnce)
            ).map { result in
                client.eventLoop.inEventLoop && result.isSuccess
            }
        }.get()
        guard case .publish(let publish) = try await connection.receive() else { throw TestTimeout("no PUBLISH") }
        connection.send(.pubAck(MQTTPubAckPacket(packetIdentifier: publish.packetIdentifier ?? 0)))
        #expect(try await onLoop.get())
        let subscribed = try await client.eventLoop.submit {
            client.subscribe([MQTTSubscription(topicFilter: "rr/res")], properties: MQTTProperties())
        }.get()
        guard case .subscribe(let subscribe) = try await connection.receive() else { throw TestTimeout("no SUBSCRIBE") }
        connection.send(
            .subAck(MQTTSubAckPacket(packetIdentifier: subscribe.packetIdentifier, reasonCodes: [.grantedQoS1])))
        #expect(try await subscribed.get().reasonCodes == [.grantedQoS1])
        connection.send(.publish(MQTTPublishPacket(topic: "rr/res", payload: ByteBuffer(string: "y"))))
        #expect(try await publicStream.next().topic == "rr/res")
        #expect(order.withLock { $0 } == ["connected:false", "listener:rr/res"])
        // Removed listeners are not called again.
        try await client.eventLoop.submit {
            client.removeListener(listenerIDs.0)
            client.removeListener(listenerIDs.1)
        }.get()
        connection.send(.publish(MQTTPublishPacket(topic: "rr/res", payload: ByteBuffer(string: "z"))))
        #expect(try await publicStream.next().payload.text == "z")
        #expect(order.withLock { $0.count } == 2)
        let unsubscribed = try await client.eventLoop.submit {
            client.unsubscribe(["rr/res"], properties: MQTTProperties())
        }.get()
        guard case .unsubscribe(let unsubscribe) = try await connection.receive() else {
            throw TestTimeout("no UNSUBSCRIBE")
        }
        connection.send(
            .unsubAck(MQTTUnsubAckPacket(packetIdentifier: unsubscribe.packetIdentifier, reasonCodes: [.success])))
        #expect(try await unsubscribed.get().reasonCodes == [.success])
        await client.stop()
        await server.close()
    }

    @Test("publishes(matching:) filters by topic filter, shared subscriptions included")
    func filteredStreams() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        let sensors = PublishRecorder(client, matching: "sensors/+/temp")
        let shared = PublishRecorder(client, matching: "$share/group/alerts/#")
        client.start()
        let (connection, _) = try await server.acceptClient()
        try await client.waitForConnection(timeout: .seconds(10))
        for topic in ["sensors/1/temp", "sensors/1/humidity", "alerts/fire", "sensors/2/temp"] {
            connection.send(.publish(MQTTPublishPacket(topic: topic, payload: ByteBuffer(string: topic))))
        }
        #expect(try await sensors.next().topic == "sensors/1/temp")
        #expect(try await sensors.next().topic == "sensors/2/temp")
        #expect(try await shared.next().topic == "alerts/fire")
        #expect(sensors.publishes.pending.isEmpty && shared.publishes.pending.isEmpty)
        await client.stop()
        await server.close()
    }

    @Test("stop() then start() without waiting: the stop returns and the client runs again")
    func stopThenStart() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        let events = EventRecorder(client)
        client.start()
        _ = try await server.acceptClient()
        try await events.connectionSuccess()
        // Both on the event loop, in this order, as when a caller does not await the stop.
        let stopped = try await client.eventLoop.submit { () -> EventLoopFuture<Void> in
            let promise = client.eventLoop.makePromise(of: Void.self)
            client.core.stop(disconnect: MQTTDisconnectPacket(), promise: promise)
            client.core.start(contexts: .success(MQTTTransportContexts()))
            return promise.futureResult
        }.get()
        try await stopped.get()
        _ = try await server.acceptClient()
        try await events.connectionSuccess()
        #expect(client.isConnected)
        await client.stop()
        #expect(!client.isConnected)
        await server.close()
    }

    @Test("A listener that stops the client when the connection drops: one stopped event, no reconnection")
    func listenerStopsOnDisconnection() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        let events = EventRecorder(client)
        try await client.eventLoop.submit {
            // Called on the event loop while the client handles the closed connection.
            _ = client.addEventListener { event in
                if case .disconnection = event { client.core.stop(disconnect: MQTTDisconnectPacket(), promise: nil) }
            }
        }.get()
        client.start()
        let (connection, _) = try await server.acceptClient()
        try await events.connectionSuccess()
        connection.close()
        // (The public stream gets `stopped` before `disconnection`: the listener ran first.)
        #expect(try await events.stopped() == nil)
        #expect(try await events.disconnection(timeout: .seconds(1)).1.code == .connectionClosed)
        // The reconnect timer (50 ms) was cancelled by the stop, and the stop reported once.
        await #expect(throws: TestTimeout.self) { try await server.nextConnection(timeout: .milliseconds(400)) }
        await #expect(throws: TestTimeout.self) { try await events.stopped(timeout: .milliseconds(100)) }
        #expect(!client.isConnected)
        await server.close()
    }

    @Test("Dropping the client ends its streams; the configuration never prints the password")
    func deallocation() async throws {
        var configuration = try MQTTClient.Configuration.test(url: "mqtt://127.0.0.1:1")
        configuration.setPassword("hunter2")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("<redacted>"))
        var client: MQTTClient? = MQTTClient(configuration: configuration)
        let stream = client!.events()
        let finished = Task {
            var count = 0
            for await _ in stream { count += 1 }
            return count
        }
        client = nil
        let count = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { await finished.value }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(count != nil, "the event stream did not finish")
    }

    @Test("Cancelling withMQTTClient while it waits for the first connection stops the client at once")
    func cancelWhileConnecting() async throws {
        let server = try await ScriptedMQTTServer.start()
        let start = ContinuousClock.now
        let task = Task {
            try await withMQTTClient(configuration: try .test(url: server.url), connectTimeout: .seconds(30)) { _ in }
        }
        let connection = try await server.nextConnection()  // never answered
        task.cancel()
        let result = await task.result
        #expect(throws: MQTTError.self) { try result.get() }
        if case .failure(let error as MQTTError) = result { #expect(error.code == .cancelled) }
        #expect(ContinuousClock.now - start < .seconds(5))
        try await connection.waitForClose()
        await server.close()
    }

    @Test("Statistics and negotiated settings are readable from any thread")
    func readableAnywhere() async throws {
        let server = try await ScriptedMQTTServer.start()
        let client = MQTTClient(configuration: try .test(url: server.url))
        #expect(client.negotiatedSettings == nil)
        client.start()
        let (connection, _) = try await server.acceptClient(
            MQTTConnAckPacket(
                properties: {
                    var p = MQTTProperties(); p.receiveMaximum = 7; return p
                }()))
        let settings = try await client.waitForConnection(timeout: .seconds(10))
        #expect(settings.receiveMaximumFromServer == 7)
        #expect(client.negotiatedSettings?.receiveMaximumFromServer == 7)
        async let result = client.publish(to: "s", payload: ByteBuffer(string: "12345"), qos: .atLeastOnce)
        guard case .publish(let publish) = try await connection.receive() else { throw TestTimeout("no PUBLISH") }
        let statistics = client.statistics
        #expect(statistics.unackedOperationCount == 1)
        // Fixed header 2, topic 3, identifier 2, properties 1, payload 5.
        #expect(statistics.unackedOperationSize == 13)
        connection.send(.pubAck(MQTTPubAckPacket(packetIdentifier: publish.packetIdentifier ?? 0)))
        #expect(try await result.isSuccess)
        #expect(client.statistics == MQTTOperationStatistics())
        await client.stop()
        await server.close()
    }
}
