extension MQTTConnectionStateMachine {
    /// Sets or removes the Topic Alias of a PUBLISH about to be sent, per the configuration and
    /// the publish's own `policy`.
    ///
    /// - Returns: The error to fail the publish with when `policy` is
    ///   ``MQTTTopicAliasPolicy/always`` and no alias can be used; `nil` to send it.
    mutating func applyTopicAlias(to packet: inout MQTTPublishPacket, policy: MQTTTopicAliasPolicy?) -> MQTTError? {
        let usable: Bool
        if version == .v5_0 {
            usable = outboundAliases.apply(to: &packet, policy: policy)
        } else {
            packet.properties.topicAlias = nil
            usable = policy != .always
        }
        guard !usable else { return nil }
        let maximum = negotiated?.topicAliasMaximumToServer ?? 0
        let reason =
            maximum == 0
            ? "the broker allows no topic aliases"
            : "all \(maximum) topic aliases the broker allows are bound to other topics"
        return MQTTError(
            code: .topicAliasUnavailable,
            message: "cannot publish to '\(packet.topic)' with alias policy 'always': \(reason)")
    }
}
