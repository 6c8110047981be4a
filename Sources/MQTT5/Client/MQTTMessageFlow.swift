/// One QoS 1 or 2 message flow, in either direction, with the packets exchanged so far (amqtt's
/// `IncomingApplicationMessage` and `OutgoingApplicationMessage`).
///
/// Outgoing flows are the client's publishes: it sends PUBLISH and receives PUBACK (QoS 1), or
/// receives PUBREC, sends PUBREL and receives PUBCOMP (QoS 2). Incoming flows are the broker's
/// publishes to the client, with the roles swapped. Packets are as on the wire: a PUBLISH that
/// used a topic alias may have an empty topic. Follow flows with
/// ``MQTTClient/messageFlows(bufferingPolicy:)``.
public struct MQTTMessageFlow: Sendable {
    /// Which side published.
    public struct Direction: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case incoming, outgoing }
        let kind: Kind

        /// The broker published to the client.
        public static let incoming = Direction(kind: .incoming)
        /// The client published to the broker.
        public static let outgoing = Direction(kind: .outgoing)

        /// `incoming` or `outgoing`.
        public var description: String { kind == .incoming ? "incoming" : "outgoing" }
    }

    /// Which side published.
    public var direction: Direction
    /// The packet identifier of the flow.
    public var packetIdentifier: UInt16
    /// The PUBLISH (the latest transmission, with DUP set on a retransmission); `nil` when the
    /// observation began after it.
    public var publish: MQTTPublishPacket?
    /// The PUBACK that ended a QoS 1 flow.
    public var pubAck: MQTTPubAckPacket?
    /// The PUBREC of a QoS 2 flow.
    public var pubRec: MQTTPubRecPacket?
    /// The PUBREL of a QoS 2 flow.
    public var pubRel: MQTTPubRelPacket?
    /// The PUBCOMP that ended a QoS 2 flow.
    public var pubComp: MQTTPubCompPacket?

    /// Creates a flow.
    ///
    /// - Parameters:
    ///   - direction: Which side published.
    ///   - packetIdentifier: The packet identifier.
    ///   - publish: The PUBLISH, if seen.
    public init(direction: Direction, packetIdentifier: UInt16, publish: MQTTPublishPacket? = nil) {
        self.direction = direction
        self.packetIdentifier = packetIdentifier
        self.publish = publish
    }

    /// Whether the flow is over: PUBACK, PUBCOMP, or a PUBREC with an error reason code.
    public var isComplete: Bool {
        pubAck != nil || pubComp != nil || (pubRec?.reasonCode.isError ?? false)
    }
}

/// A step of a ``MQTTMessageFlow``: the packet just sent or received, and the flow with it.
public struct MQTTMessageFlowEvent: Sendable {
    /// The step's packet type.
    public struct Stage: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case publish, pubAck, pubRec, pubRel, pubComp }
        let kind: Kind

        /// A PUBLISH (first transmission or retransmission).
        public static let publish = Stage(kind: .publish)
        /// A PUBACK.
        public static let pubAck = Stage(kind: .pubAck)
        /// A PUBREC.
        public static let pubRec = Stage(kind: .pubRec)
        /// A PUBREL.
        public static let pubRel = Stage(kind: .pubRel)
        /// A PUBCOMP.
        public static let pubComp = Stage(kind: .pubComp)

        /// The packet name, e.g. `PUBREL`.
        public var description: String {
            switch kind {
            case .publish: "PUBLISH"
            case .pubAck: "PUBACK"
            case .pubRec: "PUBREC"
            case .pubRel: "PUBREL"
            case .pubComp: "PUBCOMP"
            }
        }
    }

    /// The step.
    public var stage: Stage
    /// The packet of the step.
    public var packet: MQTTPacket
    /// Whether the client sent the packet (`false`: it received it).
    public var isSent: Bool
    /// The flow, including this step's packet.
    public var flow: MQTTMessageFlow

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - stage: The step.
    ///   - packet: The packet of the step.
    ///   - isSent: Whether the client sent it.
    ///   - flow: The flow including the packet.
    public init(stage: Stage, packet: MQTTPacket, isSent: Bool, flow: MQTTMessageFlow) {
        self.stage = stage
        self.packet = packet
        self.isSent = isSent
        self.flow = flow
    }
}
