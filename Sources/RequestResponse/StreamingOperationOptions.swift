/// What a ``StreamingOperation`` subscribes to.
public struct StreamingOperationOptions: Sendable, Hashable {
    /// The topic filter (wildcards allowed) whose publishes the stream receives.
    public var topicFilter: String

    /// Creates streaming options.
    ///
    /// - Parameter topicFilter: The topic filter to subscribe to; validated by
    ///   ``RequestResponseClient/streamingOperation(_:)``.
    public init(topicFilter: String) {
        self.topicFilter = topicFilter
    }
}
