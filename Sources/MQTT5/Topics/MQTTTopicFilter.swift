/// A validated topic filter, with the shared-subscription prefix split off.
public struct MQTTTopicFilter: Hashable, Sendable, CustomStringConvertible {
    /// The filter exactly as it is sent in SUBSCRIBE, e.g. `$share/group/sensors/+`.
    public let rawValue: String
    /// The share name of a shared subscription, or `nil`.
    public let shareName: String?
    /// The filter that topics are matched against, e.g. `sensors/+`.
    public let filter: String

    /// Validates `rawValue` and splits off a `$share/<name>/` prefix.
    ///
    /// - Throws: ``MQTTTopicError`` when the filter is invalid.
    public init(_ rawValue: String) throws(MQTTTopicError) {
        try MQTTTopic.validateFilter(rawValue)
        self.rawValue = rawValue
        if rawValue.hasPrefix(MQTTTopic.sharedSubscriptionPrefix) {
            let rest = rawValue.dropFirst(MQTTTopic.sharedSubscriptionPrefix.count)
            let slash = rest.firstIndex(of: "/")!  // validated above
            self.shareName = String(rest[..<slash])
            self.filter = String(rest[rest.index(after: slash)...])
        } else {
            self.shareName = nil
            self.filter = rawValue
        }
    }

    /// Whether this is a shared subscription.
    public var isShared: Bool { shareName != nil }

    /// Whether the filter contains wildcards.
    public var hasWildcards: Bool { MQTTTopic.hasWildcards(filter) }

    /// Whether `topic` matches this filter.
    public func matches(_ topic: String) -> Bool {
        MQTTTopic.matches(filter: filter, topic: topic)
    }

    public var description: String { rawValue }
}
