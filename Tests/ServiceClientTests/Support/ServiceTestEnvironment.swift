import MQTT5
import NIOCore
import RequestResponse

/// What a round-trip test needs from the network: connections that see each other's publishes.
///
/// ``InProcessBroker`` provides them today; an environment over a real broker (mosquitto and
/// the MQTT client) can conform later and run the same tests end to end.
protocol ServiceTransportFactory: Sendable {
    /// A new connection.
    func makeTransport() async throws -> any RequestResponseTransport
}

extension InProcessBroker: ServiceTransportFactory {
    func makeTransport() async throws -> any RequestResponseTransport {
        makeTransport() as InProcessTransport
    }
}

/// A client and a responder on two connections of one factory, closed when the body ends.
func withClientAndResponder<Result: Sendable>(
    _ factory: some ServiceTransportFactory,
    operationTimeout: Duration = .seconds(5),
    _ body: (RequestResponseClient, RequestResponder) async throws -> Result
) async throws -> Result {
    let client = try RequestResponseClient(
        transport: try await factory.makeTransport(),
        options: .init(
            maxRequestResponseSubscriptions: 8, maxStreamingSubscriptions: 4, operationTimeout: operationTimeout))
    let responder = RequestResponder(transport: try await factory.makeTransport())
    do {
        let result = try await body(client, responder)
        await client.close()
        await responder.close()
        return result
    } catch {
        await client.close()
        await responder.close()
        throw error
    }
}

/// Publishes `payload` on `topic` from a third connection (a device or the cloud console).
func publishFromOutside(_ factory: some ServiceTransportFactory, topic: String, payload: String) async throws {
    let transport = try await factory.makeTransport()
    _ = try await transport.publish(topic: topic, payload: ByteBuffer(string: payload), properties: MQTTProperties())
        .get()
}
