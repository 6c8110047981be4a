public import MQTT5
public import NIOCore
import MQTTServiceRuntime

/// Where an in-memory service publishes the messages nobody asked for: the shadow's delta and
/// documents streams, the jobs `notify` and `notify-next` topics.
///
/// A real service publishes them from the cloud; the in-memory ones publish them through a
/// connection of their own:
/// ```swift
/// let service = InMemoryShadowService(events: .mqtt(serviceConnection))
/// ```
public struct ServiceEventPublisher: Sendable {
    private let body: @Sendable (_ topic: String, _ payload: ByteBuffer) async throws -> Void

    /// Publishes through `body`, which sends `payload` to `topic`.
    ///
    /// - Parameter body: Sends one message; a thrown error is reported by the service and does
    ///   not fail the request that caused the event.
    public init(_ body: @escaping @Sendable (_ topic: String, _ payload: ByteBuffer) async throws -> Void) {
        self.body = body
    }

    /// Publishes through an MQTT client at QoS 1.
    ///
    /// - Parameter client: The service's own connection.
    /// - Returns: The publisher.
    public static func mqtt(_ client: MQTTClient) -> ServiceEventPublisher {
        ServiceEventPublisher { topic, payload in
            let result = try await client.publish(to: topic, payload: payload, qos: .atLeastOnce)
            guard result.isSuccess else {
                throw ServiceEventPublisherError(topic: topic, reason: result.reasonCode.map { "\($0)" } ?? "refused")
            }
        }
    }

    /// Drops every event: for a service whose streams nobody listens to.
    public static let discarding = ServiceEventPublisher { _, _ in }

    /// Encodes `event` as the generated clients expect (``ServiceCoding``) and publishes it.
    ///
    /// - Parameters:
    ///   - event: The event, a generated model.
    ///   - topic: The topic of the stream.
    /// - Throws: The encoding error, or what the publishing closure throws.
    public func publish(_ event: some Encodable, to topic: String) async throws {
        try await body(topic, try ServiceCoding.encode(event))
    }
}

/// A service event could not be published.
public struct ServiceEventPublisherError: Error, CustomStringConvertible {
    /// The topic of the event.
    public var topic: String
    /// Why the broker did not take it.
    public var reason: String

    /// A sentence for people.
    public var description: String { "cannot publish the event on '\(topic)': \(reason)" }
}
