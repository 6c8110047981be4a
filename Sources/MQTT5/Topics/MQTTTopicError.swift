/// Why a topic name or topic filter was rejected.
///
/// Thrown by ``MQTTTopic/validateName(_:)``, ``MQTTTopic/validateFilter(_:)`` and the
/// initialisers of ``MQTTTopicFilter``.
public struct MQTTTopicError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem was found.
    ///
    /// A struct wrapping an internal enum, so kinds can be added without breaking users;
    /// compare against the static members (`error.kind == .tooLong`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        enum Wrapped: Hashable, Sendable {
            case empty, tooLong, containsNull, wildcardInTopicName, misplacedWildcard, invalidSharedSubscription
        }

        let wrapped: Wrapped

        /// The topic or filter is the empty string.
        public static let empty = Kind(wrapped: .empty)
        /// The UTF-8 encoding is longer than 65,535 bytes.
        public static let tooLong = Kind(wrapped: .tooLong)
        /// It contains U+0000, which MQTT forbids in every UTF-8 string.
        public static let containsNull = Kind(wrapped: .containsNull)
        /// A topic name contains `+` or `#`.
        public static let wildcardInTopicName = Kind(wrapped: .wildcardInTopicName)
        /// `+` or `#` is not a whole level, or `#` is not the last level.
        public static let misplacedWildcard = Kind(wrapped: .misplacedWildcard)
        /// `$share/<name>/<filter>` with an empty or invalid share name or an empty filter.
        public static let invalidSharedSubscription = Kind(wrapped: .invalidSharedSubscription)

        /// The kind's name, e.g. `tooLong`.
        public var description: String { "\(wrapped)" }
    }

    /// The kind of problem.
    public var kind: Kind
    /// The rejected topic or filter.
    public var topic: String

    /// Creates an error.
    public init(kind: Kind, topic: String) {
        self.kind = kind
        self.topic = topic
    }

    public var description: String {
        let what: String
        switch kind.wrapped {
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
