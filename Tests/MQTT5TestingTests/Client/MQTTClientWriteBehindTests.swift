import Foundation
import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Synchronization
import Testing

/// QoS 0 write-behind (`Configuration.qos0WriteBehindLimit`): an awaited QoS 0 publish returns
/// once handed to the event loop, within the limit, and still throws what the event loop would.
@Suite("QoS 0 write-behind", .serialized, .timeLimit(.minutes(1)))
struct MQTTClientWriteBehindTests {
    static func start(_ broker: MQTTTestBroker, _ clientID: String, limit: Int) async throws -> MQTTClient {
        var configuration = try MQTTClient.Configuration.test(url: broker.endpoint, clientIdentifier: clientID)
        configuration.qos0WriteBehindLimit = limit
        let client = MQTTClient(configuration: configuration)
        client.start()
        try await client.waitForConnection(timeout: .seconds(10))
        return client
    }

    /// Holds the client's event loop until `release()`, so a test sees what returns without it.
    final class LoopGate: Sendable {
        private let released = Mutex(false)

        init(_ loop: any EventLoop) {
            loop.execute { [self] in
                while !released.withLock({ $0 }) { usleep(1_000) }
            }
        }

        func release() { released.withLock { $0 = true } }
    }

    /// The topics of the PUBLISH packets the broker received from `clientID`, in order.
    static func topics(_ broker: MQTTTestBroker, _ clientID: String) -> [String] {
        broker.receivedPackets(clientID: clientID).compactMap { packet in
            guard case .publish(let publish) = packet else { return nil }
            return publish.topic
        }
    }

    @Test(
        "Within the limit QoS 0 publishes return while the event loop is busy; beyond it they wait; all arrive in order"
    )
    func returnsWithoutTheEventLoop() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await Self.start(broker, "write-behind", limit: 3)
            let gate = LoopGate(client.eventLoop)
            for index in 0..<3 {
                let result = try await client.publish(to: "wb/\(index)", payload: ByteBuffer(string: "\(index)"))
                #expect(result.qos == .atMostOnce)
            }
            // The fourth is over the limit: it waits for the event loop.
            let fourth = Task { try await client.publish(to: "wb/3", payload: ByteBuffer(string: "3")) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(Self.topics(broker, "write-behind").isEmpty)
            gate.release()
            _ = try await fourth.value
            // Afterwards the window is free again.
            for index in 4..<50 {
                try await client.publish(to: "wb/\(index)", payload: ByteBuffer(string: "\(index)"))
            }
            #expect(await eventually { Self.topics(broker, "write-behind").count == 50 })
            #expect(Self.topics(broker, "write-behind") == (0..<50).map { "wb/\($0)" })
            await client.stop()
        }
    }

    @Test("A limit of 0 waits for the event loop, as before")
    func zeroLimitWaits() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await Self.start(broker, "no-write-behind", limit: 0)
            let gate = LoopGate(client.eventLoop)
            let done = Mutex(false)
            let publish = Task {
                try await client.publish(to: "wb/0", payload: ByteBuffer(string: "0"))
                done.withLock { $0 = true }
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(!done.withLock { $0 })
            gate.release()
            try await publish.value
            #expect(done.withLock { $0 })
            await client.stop()
        }
    }

    @Test(
        "What the event loop would refuse still throws: bad topic, above the broker's maximum packet size, retain unavailable"
    )
    func refusalsStillThrow() async throws {
        var brokerConfiguration = MQTTTestBroker.Configuration()
        brokerConfiguration.capabilities.maximumPacketSize = 64
        brokerConfiguration.capabilities.retainAvailable = false
        try await withMQTTTestBroker(configuration: brokerConfiguration) { broker in
            let client = try await Self.start(broker, "write-behind-checks", limit: 256)
            await #expect {
                try await client.publish(to: "bad/+/topic", payload: ByteBuffer(string: "x"))
            } throws: { ($0 as? MQTTError)?.code == .invalidArgument }
            await #expect {
                try await client.publish(to: "big", payload: ByteBuffer(repeating: 0x61, count: 100))
            } throws: { ($0 as? MQTTError)?.code == .packetTooLarge }
            await #expect {
                try await client.publish(to: "kept", payload: ByteBuffer(string: "x"), retain: true)
            } throws: { ($0 as? MQTTError)?.code == .notSupportedByServer }
            try await client.publish(to: "fine", payload: ByteBuffer(string: "x"))
            #expect(await eventually { Self.topics(broker, "write-behind-checks") == ["fine"] })
            #expect(client.isConnected)
            await client.stop()
        }
    }
}

/// Polls `condition` every 10 ms for at most `timeout`.
private func eventually(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
