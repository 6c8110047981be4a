import MQTT5
import MQTT5Testing
import NIOCore
import Testing

/// The scoped client APIs against the embedded broker: what they set up is torn down when the
/// scope ends, whether it returns or throws.
@Suite("MQTTClient: scoped resources", .timeLimit(.minutes(1)))
struct MQTTClientScopedTests {
    struct Expected: Error {}

    static func configuration(_ broker: MQTTTestBroker, _ clientID: String) throws -> MQTTClient.Configuration {
        try MQTTClient.Configuration(url: "mqtt://\(broker.host):\(broker.port)", clientIdentifier: clientID)
    }

    @Test("withSubscription streams matching messages and unsubscribes when the body returns")
    func subscriptionEndsWithScope() async throws {
        try await withMQTTTestBroker { broker in
            try await withMQTTClient(configuration: try Self.configuration(broker, "scoped")) { client in
                let topics = try await client.withSubscription(to: "sensors/+/temp") { readings in
                    #expect(await broker.subscriptions(clientID: "scoped").map(\.topicFilter) == ["sensors/+/temp"])
                    try await client.publish(
                        to: "sensors/other/humidity", payload: ByteBuffer(string: "no"), qos: .atLeastOnce)
                    try await client.publish(
                        to: "sensors/kitchen/temp", payload: ByteBuffer(string: "21"), qos: .atLeastOnce)
                    var iterator = readings.makeAsyncIterator()
                    return await iterator.next()?.topic
                }
                #expect(topics == "sensors/kitchen/temp")
                #expect(await broker.subscriptions(clientID: "scoped").isEmpty)
            }
        }
    }

    @Test("withSubscription unsubscribes when the body throws")
    func subscriptionEndsOnThrow() async throws {
        try await withMQTTTestBroker { broker in
            try await withMQTTClient(configuration: try Self.configuration(broker, "thrower")) { client in
                await #expect(throws: Expected.self) {
                    try await client.withSubscription(to: "alerts/#") { _ in throw Expected() }
                }
                #expect(await broker.subscriptions(clientID: "thrower").isEmpty)
            }
        }
    }

    @Test("withSubscription reports a refused SUBSCRIBE as subscribeFailed with the SUBACK code")
    func subscriptionRefused() async throws {
        try await withMQTTTestBroker { broker in
            broker.updateFaults { $0.subscribeResult = { _, _ in .notAuthorized } }
            try await withMQTTClient(configuration: try Self.configuration(broker, "denied")) { client in
                do {
                    _ = try await client.withSubscription(to: "secret/#") { _ in Issue.record("the body must not run") }
                    Issue.record("expected subscribeFailed")
                } catch let error as MQTTError {
                    #expect(error.code == .subscribeFailed)
                    #expect(error.reasonCode == .subAck(.notAuthorized))
                }
            }
        }
    }

    @Test("publishes(matching:) throws invalidArgument for an invalid filter instead of an empty stream")
    func invalidFilterThrows() async throws {
        try await withMQTTTestBroker { broker in
            let client = MQTTClient(configuration: try Self.configuration(broker, "invalid"))
            for filter in ["a/#/b", "", "sport+"] {
                #expect(throws: MQTTError.self) { _ = try client.publishes(matching: filter) }
                do throws(MQTTError) {
                    _ = try client.publishes(matching: filter)
                } catch {
                    #expect(error.code == .invalidArgument)
                }
            }
        }
    }
}
