/// How the client uses topic aliases (AWS CRT's `TopicAliasingOptions`).
public struct MQTTTopicAliasing: Hashable, Sendable {
    /// How outbound publishes use aliases.
    public struct Outbound: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case disabled
            case manual
            case lru(cacheSize: UInt16)
        }
        let kind: Kind

        /// Never use aliases; any ``MQTTProperties/topicAlias`` on a publish is removed (the default).
        public static let disabled = Outbound(kind: .disabled)
        /// Use the ``MQTTProperties/topicAlias`` the caller sets, within the broker's limit: the
        /// client sends the topic the first time an alias is bound and an empty topic once the binding
        /// is established. Always give the full topic; bindings do not survive reconnections.
        public static let manual = Outbound(kind: .manual)
        /// Assign aliases automatically to the most recently used topics.
        ///
        /// - Parameter cacheSize: The number of aliases to use (further capped by the broker's limit).
        public static func lru(cacheSize: UInt16 = 25) -> Outbound {
            Outbound(kind: .lru(cacheSize: max(cacheSize, 1)))
        }

        /// The name of the behaviour.
        public var description: String {
            switch kind {
            case .disabled: "disabled"
            case .manual: "manual"
            case .lru(let size): "lru(\(size))"
            }
        }
    }

    /// Whether the broker may use aliases on publishes to the client.
    public struct Inbound: Hashable, Sendable, CustomStringConvertible {
        let cacheSize: UInt16

        /// The broker may not use aliases (the default).
        public static let disabled = Inbound(cacheSize: 0)
        /// The broker may use aliases 1 to `cacheSize` (sent as the CONNECT Topic Alias Maximum). An
        /// alias out of range or never bound closes the connection (DISCONNECT 0x94 or 0x82).
        ///
        /// - Parameter cacheSize: The highest alias accepted.
        public static func enabled(cacheSize: UInt16 = 25) -> Inbound {
            Inbound(cacheSize: max(cacheSize, 1))
        }

        /// `disabled` or `enabled(n)`.
        public var description: String { cacheSize == 0 ? "disabled" : "enabled(\(cacheSize))" }
    }

    /// How outbound publishes use aliases.
    public var outbound: Outbound
    /// Whether the broker may use aliases.
    public var inbound: Inbound

    /// Creates topic alias options; both directions are disabled by default, as in AWS CRT.
    ///
    /// - Parameters:
    ///   - outbound: How outbound publishes use aliases.
    ///   - inbound: Whether the broker may use aliases.
    public init(outbound: Outbound = .disabled, inbound: Inbound = .disabled) {
        self.outbound = outbound
        self.inbound = inbound
    }
}
