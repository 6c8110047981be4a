/// The outcome of a publish: the acknowledgements of its message flow, as amqtt's message-flow
/// objects record them.
///
/// - QoS 0: no acknowledgement; the publish completed when it was written to the connection.
/// - QoS 1: ``pubAck``.
/// - QoS 2: ``pubRec``, then ``pubComp`` (absent when the PUBREC carried an error code, which ends
///   the flow, or when the broker lost the session after its PUBREC; the broker owned the message then).
///
/// A negative acknowledgement is not thrown: check ``isSuccess`` or the reason codes.
public struct MQTTPublishResult: Hashable, Sendable {
    /// The QoS the message was published with.
    public var qos: MQTTQoS
    /// The PUBACK of a QoS 1 publish.
    public var pubAck: MQTTPubAckPacket?
    /// The PUBREC of a QoS 2 publish.
    public var pubRec: MQTTPubRecPacket?
    /// The PUBCOMP of a QoS 2 publish.
    public var pubComp: MQTTPubCompPacket?

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - qos: The QoS of the publish.
    ///   - pubAck: Its PUBACK (QoS 1).
    ///   - pubRec: Its PUBREC (QoS 2).
    ///   - pubComp: Its PUBCOMP (QoS 2).
    public init(
        qos: MQTTQoS, pubAck: MQTTPubAckPacket? = nil, pubRec: MQTTPubRecPacket? = nil,
        pubComp: MQTTPubCompPacket? = nil
    ) {
        self.qos = qos
        self.pubAck = pubAck
        self.pubRec = pubRec
        self.pubComp = pubComp
    }

    /// Whether no acknowledgement of the flow carried an error reason code.
    public var isSuccess: Bool {
        !(pubAck?.reasonCode.isError ?? false) && !(pubRec?.reasonCode.isError ?? false)
            && !(pubComp?.reasonCode.isError ?? false)
    }

    /// The reason code that decided the outcome: the PUBACK's, the PUBCOMP's or (when the flow
    /// ended there) the PUBREC's; `nil` for QoS 0.
    public var reasonCode: MQTTReasonCode? {
        if let pubAck { return .pubAck(pubAck.reasonCode) }
        if let pubComp { return .pubComp(pubComp.reasonCode) }
        if let pubRec { return .pubRec(pubRec.reasonCode) }
        return nil
    }

    /// The reason string of the acknowledgement that decided the outcome, if the broker sent one.
    public var reasonString: String? {
        pubAck?.properties.reasonString ?? pubComp?.properties.reasonString ?? pubRec?.properties.reasonString
    }
}
