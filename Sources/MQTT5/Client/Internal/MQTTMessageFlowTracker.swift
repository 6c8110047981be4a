/// Follows the QoS 1 and 2 flows of one client from the packets it sends and receives, free of
/// I/O: each packet of a flow becomes an ``MQTTMessageFlowEvent``; a flow is forgotten when it
/// completes (and replaced when its packet identifier starts a new one).
struct MQTTMessageFlowTracker {
    private var outgoing: [UInt16: MQTTMessageFlow] = [:]
    private var incoming: [UInt16: MQTTMessageFlow] = [:]

    /// The client wrote `packet`.
    mutating func sent(_ packet: MQTTPacket) -> MQTTMessageFlowEvent? {
        switch packet {
        case .publish(let publish):
            return start(.outgoing, publish, packet: packet, isSent: true)
        case .pubRel(let pubRel):
            return step(.outgoing, pubRel.packetIdentifier, .pubRel, packet: packet, isSent: true) {
                $0.pubRel = pubRel
            }
        case .pubAck(let pubAck):
            return step(.incoming, pubAck.packetIdentifier, .pubAck, packet: packet, isSent: true) {
                $0.pubAck = pubAck
            }
        case .pubRec(let pubRec):
            return step(.incoming, pubRec.packetIdentifier, .pubRec, packet: packet, isSent: true) {
                $0.pubRec = pubRec
            }
        case .pubComp(let pubComp):
            return step(.incoming, pubComp.packetIdentifier, .pubComp, packet: packet, isSent: true) {
                $0.pubComp = pubComp
            }
        default:
            return nil
        }
    }

    /// The client received `packet` (before handling it).
    mutating func received(_ packet: MQTTPacket) -> MQTTMessageFlowEvent? {
        switch packet {
        case .publish(let publish):
            return start(.incoming, publish, packet: packet, isSent: false)
        case .pubRel(let pubRel):
            return step(.incoming, pubRel.packetIdentifier, .pubRel, packet: packet, isSent: false) {
                $0.pubRel = pubRel
            }
        case .pubAck(let pubAck):
            return step(.outgoing, pubAck.packetIdentifier, .pubAck, packet: packet, isSent: false) {
                $0.pubAck = pubAck
            }
        case .pubRec(let pubRec):
            return step(.outgoing, pubRec.packetIdentifier, .pubRec, packet: packet, isSent: false) {
                $0.pubRec = pubRec
            }
        case .pubComp(let pubComp):
            return step(.outgoing, pubComp.packetIdentifier, .pubComp, packet: packet, isSent: false) {
                $0.pubComp = pubComp
            }
        default:
            return nil
        }
    }

    private mutating func start(
        _ direction: MQTTMessageFlow.Direction, _ publish: MQTTPublishPacket, packet: MQTTPacket, isSent: Bool
    ) -> MQTTMessageFlowEvent? {
        guard publish.qos != .atMostOnce, let identifier = publish.packetIdentifier else { return nil }
        let flow = MQTTMessageFlow(direction: direction, packetIdentifier: identifier, publish: publish)
        if direction == .outgoing { outgoing[identifier] = flow } else { incoming[identifier] = flow }
        return MQTTMessageFlowEvent(stage: .publish, packet: packet, isSent: isSent, flow: flow)
    }

    private mutating func step(
        _ direction: MQTTMessageFlow.Direction, _ identifier: UInt16, _ stage: MQTTMessageFlowEvent.Stage,
        packet: MQTTPacket, isSent: Bool, _ record: (inout MQTTMessageFlow) -> Void
    ) -> MQTTMessageFlowEvent {
        var flow =
            (direction == .outgoing ? outgoing[identifier] : incoming[identifier])
            ?? MQTTMessageFlow(direction: direction, packetIdentifier: identifier)
        record(&flow)
        let stored: MQTTMessageFlow? = flow.isComplete ? nil : flow
        if direction == .outgoing { outgoing[identifier] = stored } else { incoming[identifier] = stored }
        return MQTTMessageFlowEvent(stage: stage, packet: packet, isSent: isSent, flow: flow)
    }
}
