import MQTT5
import MQTT5Testing
import NIOCore
import Testing

/// Deferred (manual) acknowledgement against the embedded broker: the PUBACK leaves only when the
/// application acknowledges, and in the order the publishes arrived.
@Suite("Manual acknowledgement", .timeLimit(.minutes(1)))
struct MQTTClientManualAcknowledgementTests {
    static func pubAcks(_ broker: MQTTTestBroker, _ clientID: String) -> [UInt16] {
        broker.receivedPackets(clientID: clientID).compactMap {
            if case .pubAck(let pubAck) = $0 { pubAck.packetIdentifier } else { nil }
        }
    }

    @Test("PUBACKs wait for the application and leave in arrival order")
    func deferredInOrder() async throws {
        try await withMQTTTestBroker { broker in
            let client = MQTTClient(configuration: try .init(url: broker.endpoint, clientIdentifier: "manual"))
            let sender = MQTTClient(configuration: try .init(url: broker.endpoint, clientIdentifier: "sender"))
            client.start()
            sender.start()
            try await client.waitForConnection(timeout: .seconds(5))
            try await sender.waitForConnection(timeout: .seconds(5))
            let stream = try client.publishesWithManualAcknowledgement(matching: "jobs/#")
            try await client.subscribe(to: "jobs/#", qos: .atLeastOnce)
            for index in 0..<3 {
                let payload = ByteBuffer(string: "\(index)")
                _ = try await sender.publish(to: "jobs/\(index)", payload: payload, qos: .atLeastOnce)
            }
            var received: [MQTTClient.AcknowledgeablePublish] = []
            for await element in stream {
                received.append(element)
                if received.count == 3 { break }
            }
            #expect(received.map(\.packet.topic) == ["jobs/0", "jobs/1", "jobs/2"])
            let identifiers = received.compactMap(\.packet.packetIdentifier)
            try await Task.sleep(for: .milliseconds(100))
            #expect(Self.pubAcks(broker, "manual").isEmpty, "nothing acknowledged before the application")
            // The last two first: held back behind the first.
            received[2].acknowledgement?.acknowledge()
            received[1].acknowledgement?.acknowledge()
            try await Task.sleep(for: .milliseconds(100))
            #expect(Self.pubAcks(broker, "manual").isEmpty)
            received[0].acknowledgement?.acknowledge()
            try await broker.waitUntil { Self.pubAcks(broker, "manual").count == 3 }
            #expect(Self.pubAcks(broker, "manual") == identifiers)
            await client.stop()
            await sender.stop()
        }
    }
}
