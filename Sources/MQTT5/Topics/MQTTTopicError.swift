/// Why a topic name or topic filter was rejected.
///
/// Thrown by ``MQTTTopic/validateName(_:)``, ``MQTTTopic/validateFilter(_:)`` and the
/// initialisers of ``TopicFilter``.
public struct MQTTTopicError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem was found.
    public enum Kind: Hashable, Sendable {
        /// The topic or filter is the empty string.
        case empty
        /// The UTF-8 encoding is longer than 65,535 bytes.
        case tooLong
        /// It contains U+0000, which MQTT forbids in every UTF-8 string.
        case containsNull
        /// A topic name contains `+` or `#`.
        case wildcardInTopicName
        /// `+` or `#` is not a whole level, or `#` is not the last level.
        case misplacedWildcard
        /// `$share/<name>/<filter>` with an empty or invalid share name or an empty filter.
        case invalidSharedSubscription
    }

    /// The kind of problem.
    public var kind: Kind
    /// The rejected topic or filter.
    public var topic: String

    /// Creates an error.
    public init(_ kind: Kind, topic: String) {
        self.kind = kind
        self.topic = topic
    }

    public var description: String {
        let what: String
        switch kind {
        case .empty: what = "must not be empty"
        case .tooLong: what = "is longer than 65535 bytes"
        case .containsNull: what = "contains U+0000"
        case .wildcardInTopicName: what = "is a topic name and must not contain '+' or '#'"
        case .misplacedWildcard: what = "has a wildcard that is not a whole level ('#' must also be last)"
        case .invalidSharedSubscription: what = "is not a valid shared subscription ($share/<name>/<filter>)"
        }
        return "invalid topic '\(topic.prefix(200))': \(what)"
    }
}
