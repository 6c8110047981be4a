import NIOCore

extension MQTTClient {
    /// A QoS 0 publish handed to the event loop without waiting for it (see
    /// ``Configuration/qos0WriteBehindLimit``), or `nil` when it must take the usual path: not
    /// connected, aliases or flow-control limits configured, or the limit reached.
    ///
    /// The checks the event loop would make are made here against the negotiated settings, so a
    /// publish that cannot be sent throws as it would have.
    func publishWriteBehind(_ packet: MQTTPublishPacket) throws(MQTTError) -> MQTTPublishResult? {
        let shared = core.shared
        guard configuration.qos0WriteBehindLimit > 0, writeBehindAllowed, packet.properties.topicAlias == nil,
            shared.isConnected, let limits = shared.publishLimits
        else { return nil }
        let size = try MQTTPublishChecks.validate(
            packet, version: configuration.protocolVersion, extendedValidation: configuration.extendedValidation
        ).get()
        if let error = MQTTPublishChecks.check(packet, size: size, against: limits) { throw error }
        guard shared.reserveWriteBehind(limit: configuration.qos0WriteBehindLimit) else { return nil }
        execute { core in core.submit(.publish(packet), token: .writeBehind) }
        return MQTTPublishResult(qos: .atMostOnce)
    }

    /// Whether the configuration leaves QoS 0 publishes to the event loop alone: no outbound
    /// topic aliases and no publish rate limits, which it applies.
    private var writeBehindAllowed: Bool {
        let flowControl =
            configuration.flowControl ?? (configuration.extendedValidation == .awsIoTCore ? .awsIoTCore : .none)
        return configuration.topicAliasing.outbound == .disabled && flowControl.publishesPerSecond == nil
            && flowControl.bytesPerSecond == nil
    }
}
