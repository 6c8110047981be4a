/// The outbound topic alias state of one connection: which alias stands for which topic, per
/// the configured behaviour, the per-publish ``MQTTTopicAliasPolicy`` and the broker's Topic
/// Alias Maximum.
struct MQTTOutboundTopicAliases {
    private enum State {
        /// No aliases: the broker allows none, or MQTT 3.1.1.
        case disabled
        /// Aliasing disabled by configuration: only publishes with a policy use this cache.
        case onRequest(MQTTTopicAliasLRU)
        case manual(maximum: UInt16, bindings: [UInt16: String])
        case lru(MQTTTopicAliasLRU)
    }

    private var state: State

    /// No aliasing (before a connection, or with MQTT 3.1.1).
    init() {
        state = .disabled
    }

    /// Fresh state for a connection whose broker allows aliases up to `maximum`.
    init(behavior: MQTTTopicAliasing.Outbound, maximum: UInt16) {
        guard maximum > 0 else {
            state = .disabled
            return
        }
        switch behavior.kind {
        case .disabled: state = .onRequest(MQTTTopicAliasLRU(capacity: Int(maximum)))
        case .manual: state = .manual(maximum: maximum, bindings: [:])
        case .lru(let cacheSize): state = .lru(MQTTTopicAliasLRU(capacity: Int(min(cacheSize, maximum))))
        }
    }

    /// Rewrites `packet` for the wire: sets or removes its Topic Alias and empties its topic when
    /// the alias is already bound to it on this connection.
    ///
    /// - Parameters:
    ///   - packet: The PUBLISH to send.
    ///   - policy: The publish's own policy; `nil` follows the configured behaviour.
    /// - Returns: `false` when `policy` is ``MQTTTopicAliasPolicy/always`` and no alias can be
    ///   used; the packet must then not be sent (the state is unchanged).
    mutating func apply(to packet: inout MQTTPublishPacket, policy: MQTTTopicAliasPolicy? = nil) -> Bool {
        if policy == .never {
            packet.properties.topicAlias = nil
            return true
        }
        switch state {
        case .disabled:
            packet.properties.topicAlias = nil
            return policy != .always
        case .onRequest(var cache):
            guard policy != nil else {
                packet.properties.topicAlias = nil
                return true
            }
            state = .disabled  // release the cache for in-place mutation
            defer { state = .onRequest(cache) }
            return Self.bindWithoutEviction(&packet, cache: &cache, policy: policy)
        case .manual(let maximum, var bindings):
            guard let alias = packet.properties.topicAlias, alias >= 1, alias <= maximum else {
                packet.properties.topicAlias = nil
                return policy != .always
            }
            if bindings[alias] == packet.topic {
                packet.topic = ""
            } else {
                state = .disabled  // release the dictionary for in-place mutation
                bindings[alias] = packet.topic
                state = .manual(maximum: maximum, bindings: bindings)
            }
            return true
        case .lru(var cache):
            state = .disabled
            defer { state = .lru(cache) }
            guard policy == nil else {
                return Self.bindWithoutEviction(&packet, cache: &cache, policy: policy)
            }
            let (alias, isNew) = cache.alias(for: packet.topic)
            packet.properties.topicAlias = alias
            if !isNew { packet.topic = "" }
            return true
        }
    }

    /// ``MQTTTopicAliasPolicy/ifAvailable`` and ``MQTTTopicAliasPolicy/always``: the topic's
    /// alias, or a free one; never an eviction.
    private static func bindWithoutEviction(
        _ packet: inout MQTTPublishPacket, cache: inout MQTTTopicAliasLRU, policy: MQTTTopicAliasPolicy?
    ) -> Bool {
        guard cache.contains(packet.topic) || !cache.isFull else {
            packet.properties.topicAlias = nil
            return policy != .always
        }
        let (alias, isNew) = cache.alias(for: packet.topic)
        packet.properties.topicAlias = alias
        if !isNew { packet.topic = "" }
        return true
    }
}
