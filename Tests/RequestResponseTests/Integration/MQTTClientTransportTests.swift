#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Synchronization
import Testing

/// Records what a transport reports to one listener.
final class TransportEventLog: Sendable {
    enum Entry: Sendable, Equatable {
        case connected(sessionPresent: Bool)
        case disconnected
        case publish(String)
    }

    private final class State: Sendable {
        let entries = Mutex<[Entry]>([])
        let publishes = Mutex<[RequestResponsePublish]>([])
        let offLoop = Atomic<Int>(0)
    }

    private let state = State()
    let id: RequestResponseTransportListenerID

    /// Registers on the transport's event loop, as the layer does.
    init(_ transport: any RequestResponseTransport) async throws {
        let state = self.state
        id = try await transport.eventLoop.submit {
            transport.addListener { event in
                if !transport.eventLoop.inEventLoop { state.offLoop.add(1, ordering: .relaxed) }
                switch event {
                case .connected(let sessionPresent):
                    state.entries.withLock { $0.append(.connected(sessionPresent: sessionPresent)) }
                case .disconnected: state.entries.withLock { $0.append(.disconnected) }
                case .publish(let publish):
                    state.entries.withLock { $0.append(.publish(publish.topic)) }
                    state.publishes.withLock { $0.append(publish) }
                }
            }
        }.get()
    }

    var all: [Entry] { state.entries.withLock { $0 } }
    /// Events delivered off the transport's event loop (the contract says none).
    var offLoopEvents: Int { state.offLoop.load(ordering: .relaxed) }
    var received: [RequestResponsePublish] { state.publishes.withLock { $0 } }
}

extension RRSuite.Mosquitto {
    /// The adapter from `MQTTClient` to ``RequestResponseTransport``, checked against its contract.
    @Suite("MQTTClientTransport against mosquitto")
    struct MQTTClientTransportTests {
        @Test(
            "MQTT 5: connected event, SUBACK/PUBACK/UNSUBACK codes, publishes with their properties, all on the event loop; removed listeners hear nothing"
        )
        func mqtt5() async throws {
            try await withMosquitto { rig in
                // Wrapped before it starts, as the contract allows.
                let client = rig.makeClient(try rig.configuration("adapter"))
                let transport = MQTTClientTransport(client)
                let events = try await TransportEventLog(transport)
                #expect(try await transport.eventLoop.submit { transport.isConnected }.get() == false)
                client.start()
                try await client.waitForConnection(timeout: .seconds(5))
                try await waitUntil("connected event") { events.all.contains(.connected(sessionPresent: false)) }
                #expect(
                    try await transport.eventLoop.submit { transport.isConnected && transport.supportsProperties }.get()
                )

                let topic = "\(rig.prefix)/adapter/x"
                #expect(try await transport.subscribe(topicFilter: "\(rig.prefix)/adapter/+").get() == .grantedQoS1)
                var properties = MQTTProperties()
                properties.contentType = "application/json"
                properties.responseTopic = "\(rig.prefix)/reply"
                properties.correlationData = ByteBuffer(bytes: [0, 1, 2, 255])
                properties.userProperties = [MQTTUserProperty(name: "k", value: "v")]
                #expect(
                    try await transport.publish(topic: topic, payload: ByteBuffer(string: "hi"), properties: properties)
                        .get() == .success)
                try await waitUntil("publish delivered") { !events.received.isEmpty }
                let publish = try #require(events.received.first)
                #expect(publish.topic == topic)
                #expect(String(buffer: publish.payload) == "hi")
                #expect(publish.properties.contentType == "application/json")
                #expect(publish.properties.responseTopic == "\(rig.prefix)/reply")
                #expect(publish.properties.correlationData == ByteBuffer(bytes: [0, 1, 2, 255]))
                #expect(publish.properties.userProperties == [MQTTUserProperty(name: "k", value: "v")])

                #expect(try await transport.unsubscribe(topicFilter: "\(rig.prefix)/adapter/+").get() == .success)
                // Not subscribed any more: mosquitto answers PUBACK 0x10 (no matching subscribers).
                #expect(
                    try await transport.publish(
                        topic: topic, payload: ByteBuffer(string: "again"), properties: MQTTProperties()
                    ).get() == .noMatchingSubscribers)
                // Futures complete on the event loop, even for calls made off it.
                let onLoop = try await transport.subscribe(topicFilter: topic).map { _ in
                    transport.eventLoop.inEventLoop
                }.get()
                #expect(onLoop)
                #expect(events.offLoopEvents == 0)
                try await transport.eventLoop.submit { transport.removeListener(events.id) }.get()
                #expect(
                    try await transport.publish(
                        topic: topic, payload: ByteBuffer(string: "unheard"), properties: MQTTProperties()
                    ).get() == .success)
                try await Task.sleep(for: .milliseconds(50))
                #expect(events.received.count == 1)  // nothing after the listener was removed
            }
        }

        @Test("MQTT 3.1.1: no properties; SUBACK granted, UNSUBACK and PUBACK success")
        func mqtt311() async throws {
            try await withMosquitto { rig in
                let transport = try await rig.transport("adapter311", version: .v3_1_1)
                let events = try await TransportEventLog(transport)
                #expect(
                    try await transport.eventLoop.submit { transport.isConnected && !transport.supportsProperties }
                        .get())
                let topic = "\(rig.prefix)/adapter311"
                #expect(try await transport.subscribe(topicFilter: topic).get() == .grantedQoS1)
                var properties = MQTTProperties()
                properties.contentType = "dropped on 3.1.1"
                #expect(
                    try await transport.publish(
                        topic: topic, payload: ByteBuffer(string: "old"), properties: properties
                    ).get() == .success)
                try await waitUntil("publish delivered") { !events.received.isEmpty }
                #expect(events.received.first?.properties.contentType == nil)
                #expect(try await transport.unsubscribe(topicFilter: topic).get() == .success)
            }
        }

        @Test(
            "a broker crash fails the pending SUBSCRIBE (offline policy failAll) only after isConnected turned false; reconnect reports no session"
        )
        func isConnectedFalseBeforeFailures() async throws {
            try await withMosquitto { rig in
                var configuration = try rig.configuration("crash")
                configuration.offlineQueue = MQTTOfflineQueuePolicy(behavior: .failAll)
                let client = try await rig.client(configuration)
                let transport = MQTTClientTransport(client)
                let events = try await TransportEventLog(transport)
                let pid = try #require(rig.broker.pid)
                // Freeze the broker so the SUBSCRIBE stays unanswered, then crash it.
                #expect(kill(pid, SIGSTOP) == 0)
                let connectedWhenFailed = Mutex<Bool?>(nil)
                let future = try await transport.eventLoop.submit {
                    transport.subscribe(topicFilter: "\(rig.prefix)/crash").always { _ in
                        connectedWhenFailed.withLock { $0 = transport.isConnected }
                    }
                }.get()
                try await Task.sleep(for: .milliseconds(20))
                rig.broker.kill()
                await #expect(throws: MQTTError.self) { try await future.get() }
                #expect(connectedWhenFailed.withLock { $0 } == false)
                try await waitUntil("disconnected event") { events.all.contains(.disconnected) }
                try await rig.broker.restart()
                try await waitUntil("reconnected") { events.all.last == .connected(sessionPresent: false) }
                #expect(try await transport.subscribe(topicFilter: "\(rig.prefix)/crash").get() == .grantedQoS1)
            }
        }

        @Test("default offline policy: a SUBSCRIBE pending at a broker crash is sent again after the reconnect")
        func subscribeSurvivesCrash() async throws {
            try await withMosquitto { rig in
                let transport = try await rig.transport("survivor")
                let events = try await TransportEventLog(transport)
                let pid = try #require(rig.broker.pid)
                #expect(kill(pid, SIGSTOP) == 0)
                let future = try await transport.eventLoop.submit {
                    transport.subscribe(topicFilter: "\(rig.prefix)/survivor")
                }.get()
                try await Task.sleep(for: .milliseconds(20))
                rig.broker.kill()
                try await waitUntil("disconnected event") { events.all.contains(.disconnected) }
                try await rig.broker.restart()
                #expect(try await withTimeout { try await future.get() } == .grantedQoS1)
                #expect(events.all.suffix(2) == [.disconnected, .connected(sessionPresent: false)])
            }
        }
    }
}
