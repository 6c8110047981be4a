import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Synchronization
import Testing

@Suite("Callback listeners on the client (onOnline, onOffline, onMessage, lifecycle)", .timeLimit(.minutes(1)))
struct MQTTClientListenersTests {
    /// A log of callback calls, checking that none overlaps another and none runs on the event loop.
    final class CallLog: Sendable {
        let entries = Mutex<[String]>([])
        let active = Atomic<Int>(0)
        let overlaps = Atomic<Int>(0)
        let onEventLoop = Atomic<Int>(0)
        let loop: any EventLoop

        init(loop: any EventLoop) { self.loop = loop }

        func record(_ entry: String, sleeping: Duration? = nil) async {
            if active.add(1, ordering: .sequentiallyConsistent).newValue > 1 {
                overlaps.add(1, ordering: .relaxed)
            }
            if loop.inEventLoop { onEventLoop.add(1, ordering: .relaxed) }
            if let sleeping { try? await Task.sleep(for: sleeping) }
            entries.withLock { $0.append(entry) }
            active.subtract(1, ordering: .sequentiallyConsistent)
        }

        var all: [String] { entries.withLock { $0 } }

        func listeners(sleeping: Duration? = nil) -> MQTTClientListeners {
            MQTTClientListeners(
                onLifecycleEvent: { event in
                    let name =
                        switch event {
                        case .attemptingConnect: "attemptingConnect"
                        case .connectionSuccess: "connectionSuccess"
                        case .connectionFailure: "connectionFailure"
                        case .disconnection: "disconnection"
                        case .stopped: "stopped"
                        }
                    await self.record("event:\(name)")
                },
                onOnline: { _ in await self.record("online") },
                onOffline: { error in await self.record("offline:\(error.code)") },
                onMessage: { message in await self.record("message:\(message.payload.text)", sleeping: sleeping) }
            )
        }
    }

    static func client(_ broker: MQTTTestBroker, _ clientID: String) throws -> MQTTClient {
        MQTTClient(configuration: try .test(url: broker.endpoint, clientIdentifier: clientID))
    }

    @Test("every event and message in order, off the event loop, one at a time (a callback that sleeps)")
    func orderAndNonConcurrency() async throws {
        try await withMQTTTestBroker { broker in
            let client = try Self.client(broker, "listeners-order")
            let log = CallLog(loop: client.eventLoop)
            let registration = client.addListeners(log.listeners(sleeping: .milliseconds(3)))
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            try await client.subscribe(to: "l/#", qos: .atLeastOnce)
            for index in 0..<20 {
                try await client.publish(to: "l/\(index)", payload: ByteBuffer(string: "\(index)"), qos: .atLeastOnce)
            }
            try await eventually("23 callbacks") { log.all.count >= 23 }
            #expect(await broker.dropConnection(clientID: "listeners-order"))
            try await eventually("28 callbacks") { log.all.count >= 28 }
            try await client.waitForConnection(timeout: .seconds(10))
            await client.stop()
            try await eventually("the stopped callback") { log.all.last == "event:stopped" }
            let expected =
                ["event:attemptingConnect", "event:connectionSuccess", "online"]
                + (0..<20).map { "message:\($0)" }
                + [
                    "event:disconnection", "offline:connectionClosed", "event:attemptingConnect",
                    "event:connectionSuccess", "online",
                ]
                + ["event:disconnection", "offline:clientStopped", "event:stopped"]
            #expect(log.all == expected)
            #expect(log.overlaps.load(ordering: .relaxed) == 0)
            #expect(log.onEventLoop.load(ordering: .relaxed) == 0)
            await registration.remove()
        }
    }

    @Test(
        "after remove() returns no callback runs; withListeners removes at scope end; remove() from a callback does not deadlock"
    )
    func removal() async throws {
        try await withMQTTTestBroker { broker in
            let client = try Self.client(broker, "listeners-remove")
            let removed = CallLog(loop: client.eventLoop)
            let scoped = CallLog(loop: client.eventLoop)
            let registration = client.addListeners(removed.listeners(sleeping: .milliseconds(20)))
            let messages = PublishRecorder(client, matching: "r/#")
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            try await client.subscribe(to: "r/#", qos: .atLeastOnce)
            try await client.withListeners(scoped.listeners()) {
                for index in 0..<5 {
                    try await client.publish(to: "r/a", payload: ByteBuffer(string: "\(index)"), qos: .atLeastOnce)
                }
                for _ in 0..<5 { _ = try await messages.next() }
                try await eventually("5 scoped callbacks") { scoped.all.count == 5 }
            }
            // The slow registration is still busy with its buffer: removal drops the rest and waits.
            await registration.remove()
            let countAtRemoval = removed.all.count
            #expect(countAtRemoval >= 1)
            #expect(removed.active.load(ordering: .sequentiallyConsistent) == 0)
            // A registration that removes itself from its own callback.
            let selfRemoval = Mutex<MQTTListenerRegistration?>(nil)
            let selfCalls = Atomic<Int>(0)
            let selfRemoving = client.addListeners(
                MQTTClientListeners(onMessage: { _ in
                    selfCalls.add(1, ordering: .relaxed)
                    await selfRemoval.withLock { $0 }?.remove()
                }))
            selfRemoval.withLock { $0 = selfRemoving }
            for index in 5..<10 {
                try await client.publish(to: "r/a", payload: ByteBuffer(string: "\(index)"), qos: .atLeastOnce)
            }
            for _ in 5..<10 { _ = try await messages.next() }
            try await Task.sleep(for: .milliseconds(100))
            #expect(removed.all.count == countAtRemoval)
            #expect(scoped.all.count == 5)
            #expect(selfCalls.load(ordering: .relaxed) == 1)
            await client.stop()
        }
    }

    @Test("a registration does not keep the client alive: dropping the client stops it and ends the callbacks")
    func clientDeallocation() async throws {
        let log = Mutex<[String]>([])
        var registration: MQTTListenerRegistration?
        do {
            let client = MQTTClient(configuration: try .test(url: "mqtt://127.0.0.1:1", clientIdentifier: "dropped"))
            registration = client.addListeners(
                MQTTClientListeners(onLifecycleEvent: { event in
                    if case .stopped = event { log.withLock { $0.append("stopped") } }
                }))
        }
        // The client's deinit stopped it (emitting `stopped`) and ended the registration's stream.
        try await eventually("the stopped callback after the client was dropped") { log.withLock { $0 } == ["stopped"] }
        await registration?.remove()
        #expect(log.withLock { $0 } == ["stopped"])
    }
}
