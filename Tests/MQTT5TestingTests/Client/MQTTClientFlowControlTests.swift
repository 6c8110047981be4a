import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Synchronization
import Testing

/// Flow control end to end: the rates bound the time from below (never from above: those are
/// benchmarks' business).
@Suite(
    "Flow control against the embedded broker: IoT Core throttling, subscription limit, draining rate",
    .timeLimit(.minutes(1)))
struct MQTTClientFlowControlTests {
    /// Records the topics of the PUBLISH packets of `clientID` as they arrive at the broker.
    final class Arrivals: Sendable {
        private let log = TestQueue<String>()
        private let task: Task<Void, Never>

        init(_ broker: MQTTTestBroker, clientID: String) {
            let events = broker.events()
            let log = self.log
            task = Task {
                for await event in events {
                    guard case .packet(let record) = event, record.clientID == clientID, record.direction == .received,
                        case .publish(let publish) = record.packet
                    else { continue }
                    log.push(publish.topic)
                }
            }
        }

        deinit { task.cancel() }

        var topics: [String] { log.pending }
        var count: Int { log.pending.count }
    }

    @Test("awsIoTCore mode: 150 QoS 0 publishes take at least 0.49 s (100 per second after a burst of 100), all arrive")
    func iotCorePublishRate() async throws {
        try await withMQTTTestBroker { broker in
            var configuration = try MQTTClient.Configuration.test(url: broker.endpoint, clientIdentifier: "throttled")
            configuration.extendedValidation = .awsIoTCore
            let arrivals = Arrivals(broker, clientID: "throttled")
            let client = MQTTClient(configuration: configuration)
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<150 {
                try await client.publish(to: "devices/d1/\(index)", payload: ByteBuffer(string: "\(index)"))
            }
            let elapsed = clock.now - start
            #expect(elapsed >= .milliseconds(490), "150 publishes at 100/s with a burst of 100 took \(elapsed)")
            try await eventually("150 arrivals") { arrivals.count == 150 }
            #expect(arrivals.topics == (0..<150).map { "devices/d1/\($0)" })
            await client.stop()
        }
    }

    @Test("awsIoTCore mode: the 51st subscription waits until an unsubscription frees room; publishes pass it")
    func iotCoreSubscriptionLimit() async throws {
        try await withMQTTTestBroker { broker in
            var configuration = try MQTTClient.Configuration.test(url: broker.endpoint, clientIdentifier: "subs")
            configuration.extendedValidation = .awsIoTCore
            let client = MQTTClient(configuration: configuration)
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            let filters = (0..<50).map { "limit/\($0)" }
            for start in stride(from: 0, to: 50, by: 8) {
                let batch = filters[start..<min(start + 8, 50)].map { MQTTSubscription(topicFilter: $0) }
                try await client.subscribe(Array(batch))
            }
            let extra = Task { try await client.subscribe(to: "limit/extra") }
            try await Task.sleep(for: .milliseconds(200))
            try await client.publish(to: "limit/0", payload: ByteBuffer(string: "passes"), qos: .atLeastOnce)
            let subscribedFilters = { (broker: MQTTTestBroker) -> [String] in
                broker.receivedPackets(clientID: "subs").flatMap { packet -> [String] in
                    guard case .subscribe(let subscribe) = packet else { return [] }
                    return subscribe.subscriptions.map(\.topicFilter)
                }
            }
            #expect(subscribedFilters(broker).count == 50)
            #expect(!subscribedFilters(broker).contains("limit/extra"))
            try await client.unsubscribe(["limit/7"])
            let subAck = try await extra.value
            #expect(subAck.reasonCodes.allSatisfy { !$0.isError })
            #expect(subscribedFilters(broker).last == "limit/extra")
            await client.stop()
        }
    }

    @Test(
        "draining rate: publishes queued while the broker refuses connections arrive at most 10 per second after the reconnection"
    )
    func drainingRate() async throws {
        try await withMQTTTestBroker { broker in
            var configuration = try MQTTClient.Configuration.test(url: broker.endpoint, clientIdentifier: "drain")
            configuration.offlineQueue.drainingRate = 10
            let client = MQTTClient(configuration: configuration)
            let events = EventRecorder(client)
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            broker.updateFaults { $0.connectFault = { _ in .closeConnection } }
            #expect(await broker.dropConnection(clientID: "drain"))
            try await events.disconnection()
            let arrivals = Arrivals(broker, clientID: "drain")
            let publishes = (0..<6).map { index in
                Task {
                    try await client.publish(
                        to: "queued/\(index)", payload: ByteBuffer(string: "\(index)"), qos: .atLeastOnce)
                }
            }
            try await eventually("6 queued publishes") { client.statistics.incompleteOperationCount == 6 }
            let clock = ContinuousClock()
            let reconnecting = clock.now
            broker.updateFaults { $0.connectFault = nil }
            for publish in publishes { #expect(try await publish.value.isSuccess) }
            // The first leaves once connected, the sixth 5 × 100 ms later: a lower bound the
            // client guarantees (timestamps taken by a consumer task under load are not).
            let drained = clock.now - reconnecting
            #expect(drained >= .milliseconds(495), "6 queued publishes at 10/s drained in \(drained)")
            try await eventually("6 arrivals") { arrivals.count == 6 }
            #expect(Set(arrivals.topics) == Set((0..<6).map { "queued/\($0)" }))
            await client.stop()
        }
    }
}
