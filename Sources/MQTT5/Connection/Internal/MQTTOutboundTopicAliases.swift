/// The outbound topic alias state of one connection: which alias stands for which topic, per
/// the configured behaviour and the broker's Topic Alias Maximum.
struct MQTTOutboundTopicAliases {
    private enum State {
        case disabled
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
        case .disabled: state = .disabled
        case .manual: state = .manual(maximum: maximum, bindings: [:])
        case .lru(let cacheSize): state = .lru(MQTTTopicAliasLRU(capacity: Int(min(cacheSize, maximum))))
        }
    }

    /// Rewrites `packet` for the wire: sets or removes its Topic Alias and empties its topic when
    /// the alias is already bound to it on this connection.
    mutating func apply(to packet: inout MQTTPublishPacket) {
        switch state {
        case .disabled:
            packet.properties.topicAlias = nil
        case .manual(let maximum, var bindings):
            guard let alias = packet.properties.topicAlias else { return }
            guard alias >= 1, alias <= maximum else {
                packet.properties.topicAlias = nil
                return
            }
            if bindings[alias] == packet.topic {
                packet.topic = ""
            } else {
                state = .disabled  // release the dictionary for in-place mutation
                bindings[alias] = packet.topic
                state = .manual(maximum: maximum, bindings: bindings)
            }
        case .lru(var cache):
            state = .disabled
            let (alias, isNew) = cache.alias(for: packet.topic)
            state = .lru(cache)
            packet.properties.topicAlias = alias
            if !isNew { packet.topic = "" }
        }
    }
}
