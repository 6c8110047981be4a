/// The checks of an outbound PUBLISH, shared by the connection state machine (on the event loop)
/// and ``MQTTClient``'s QoS 0 write-behind (on the caller's thread, against the negotiated
/// settings it reads), so both refuse the same publishes with the same errors.
enum MQTTPublishChecks {
    /// What can be checked without a connection: the topic name and the extended validation;
    /// returns the encoded size (without subscription identifiers and topic alias).
    static func validate(
        _ packet: MQTTPublishPacket, version: MQTTProtocolVersion, extendedValidation: MQTTExtendedValidation
    ) -> Result<Int, MQTTError> {
        do {
            try MQTTTopic.validateName(packet.topic)
        } catch {
            return .failure(MQTTError(code: .invalidArgument, message: "invalid topic name: \(error)", cause: error))
        }
        if let problem = extendedValidation.check(topic: packet.topic) {
            return .failure(MQTTError(code: .invalidArgument, message: problem))
        }
        var stripped = packet
        stripped.properties.subscriptionIdentifiers = []
        stripped.properties.topicAlias = nil
        do {
            return .success(try MQTTPacketSize.publish(stripped, version: version))
        } catch {
            return .failure(
                MQTTError(
                    code: .invalidArgument, message: "invalid \(describe(packet)): \(error.message)", cause: error))
        }
    }

    /// What the broker's CONNACK allows a PUBLISH, in a form the client keeps in one atomic word.
    struct Limits: Equatable {
        var maximumPacketSize: UInt32
        var maximumQoS: MQTTQoS
        var retainAvailable: Bool

        init(_ negotiated: MQTTNegotiatedSettings) {
            maximumPacketSize = negotiated.maximumPacketSizeToServer
            maximumQoS = negotiated.maximumQoS
            retainAvailable = negotiated.retainAvailable
        }

        init?(packed: UInt64) {
            guard packed & (1 << 63) != 0, let qos = MQTTQoS(rawValue: UInt8((packed >> 32) & 0x3)) else { return nil }
            maximumPacketSize = UInt32(truncatingIfNeeded: packed)
            maximumQoS = qos
            retainAvailable = packed & (1 << 34) != 0
        }

        /// The limits in one word; bit 63 marks it present (0 is "no connection").
        var packed: UInt64 {
            1 << 63 | (retainAvailable ? 1 << 34 : 0) | UInt64(maximumQoS.rawValue) << 32 | UInt64(maximumPacketSize)
        }
    }

    /// What the broker's CONNACK allows: its maximum packet size, maximum QoS and retain.
    static func check(_ packet: MQTTPublishPacket, size: Int, against limits: Limits) -> MQTTError? {
        if size > Int(limits.maximumPacketSize) {
            return MQTTError(
                code: .packetTooLarge,
                message:
                    "the \(describe(packet)) is \(size) bytes; the broker accepts at most \(limits.maximumPacketSize)"
            )
        }
        if packet.qos > limits.maximumQoS {
            return MQTTError(
                code: .notSupportedByServer,
                message: "the broker accepts publishes up to \(limits.maximumQoS), not \(packet.qos)")
        }
        if packet.retain && !limits.retainAvailable {
            return MQTTError(code: .notSupportedByServer, message: "the broker does not support retained messages")
        }
        return nil
    }

    static func describe(_ packet: MQTTPublishPacket) -> String {
        "\(packet.qos) PUBLISH to '\(packet.topic)'"
    }
}
