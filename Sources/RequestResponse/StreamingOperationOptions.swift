/// What a ``StreamingOperation`` subscribes to, and optional listeners for its events.
///
/// With a listener set (AWS CRT's `SubscriptionStatusListener` and publish-received listener),
/// the operation delivers its events to the listeners once opened: one task of its own calls
/// them in order, one at a time, never on the MQTT client's event loop, until the operation is
/// closed or halted. Do not also iterate such an operation: each event goes to one consumer.
///
/// ```swift
/// let stream = try client.streamingOperation(
///     StreamingOperationOptions(
///         topicFilter: "things/lamp/shadow/update/delta",
///         subscriptionStatusListener: { status in print("subscription: \(status)") },
///         publishListener: { publish in print("delta: \(publish.payload.readableBytes) bytes") }
///     ))
/// try stream.open()
/// ```
///
/// Equality and hashing consider the topic filter only (closures cannot be compared).
public struct StreamingOperationOptions: Sendable, Hashable {
    /// The topic filter (wildcards allowed) whose publishes the stream receives.
    public var topicFilter: String
    /// Called with every subscription status change (established, lost, halted).
    public var subscriptionStatusListener: (@Sendable (SubscriptionStatusEvent) async -> Void)?
    /// Called with every publish matching ``topicFilter``.
    public var publishListener: (@Sendable (RequestResponsePublish) async -> Void)?

    /// Creates streaming options.
    ///
    /// - Parameters:
    ///   - topicFilter: The topic filter to subscribe to; validated by
    ///     ``RequestResponseClient/streamingOperation(_:)``.
    ///   - subscriptionStatusListener: Called with every subscription status change; `nil` to
    ///     iterate the operation instead.
    ///   - publishListener: Called with every matching publish; `nil` to iterate the operation instead.
    public init(
        topicFilter: String,
        subscriptionStatusListener: (@Sendable (SubscriptionStatusEvent) async -> Void)? = nil,
        publishListener: (@Sendable (RequestResponsePublish) async -> Void)? = nil
    ) {
        self.topicFilter = topicFilter
        self.subscriptionStatusListener = subscriptionStatusListener
        self.publishListener = publishListener
    }

    /// Whether listeners consume the events.
    var hasListeners: Bool {
        subscriptionStatusListener != nil || publishListener != nil
    }

    /// Equal when the topic filters are.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.topicFilter == rhs.topicFilter
    }

    /// Hashes the topic filter.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(topicFilter)
    }
}
