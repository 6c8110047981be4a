@testable import MQTT5
import NIOCore
import Testing

@Suite("Message flow tracker")
struct MQTTMessageFlowTrackerTests {
    static func publish(_ id: UInt16, qos: MQTTQoS, dup: Bool = false) -> MQTTPacket {
        var packet = MQTTPublishPacket(topic: "t", payload: ByteBuffer(string: "p"), qos: qos)
        packet.packetIdentifier = id
        packet.dup = dup
        return .publish(packet)
    }

    @Test("outgoing QoS 2 with a retransmission: the flow keeps the latest PUBLISH and completes at PUBCOMP")
    func outgoingQoS2() {
        var tracker = MQTTMessageFlowTracker()
        #expect(tracker.sent(Self.publish(7, qos: .exactlyOnce))?.flow.publish?.dup == false)
        let retransmitted = tracker.sent(Self.publish(7, qos: .exactlyOnce, dup: true))
        #expect(retransmitted?.flow.publish?.dup == true)
        let pubRec = tracker.received(.pubRec(MQTTPubRecPacket(packetIdentifier: 7)))
        #expect(pubRec?.stage == .pubRec && pubRec?.flow.isComplete == false && pubRec?.flow.publish != nil)
        let pubRel = tracker.sent(.pubRel(MQTTPubRelPacket(packetIdentifier: 7)))
        #expect(pubRel?.flow.pubRec != nil && pubRel?.isSent == true)
        let pubComp = tracker.received(.pubComp(MQTTPubCompPacket(packetIdentifier: 7)))
        #expect(pubComp?.flow.isComplete == true && pubComp?.flow.direction == .outgoing)
        // Forgotten once complete: a late PUBCOMP is a flow without its PUBLISH.
        #expect(tracker.received(.pubComp(MQTTPubCompPacket(packetIdentifier: 7)))?.flow.publish == nil)
    }

    @Test(
        "incoming and outgoing flows with the same packet identifier are kept apart; QoS 0 and other packets are no flows"
    )
    func directionsApart() {
        var tracker = MQTTMessageFlowTracker()
        _ = tracker.sent(Self.publish(1, qos: .atLeastOnce))
        _ = tracker.received(Self.publish(1, qos: .exactlyOnce))
        let ack = tracker.sent(.pubRec(MQTTPubRecPacket(packetIdentifier: 1)))
        #expect(ack?.flow.direction == .incoming && ack?.flow.publish?.qos == .exactlyOnce)
        let pubAck = tracker.received(.pubAck(MQTTPubAckPacket(packetIdentifier: 1)))
        #expect(pubAck?.flow.direction == .outgoing && pubAck?.flow.publish?.qos == .atLeastOnce)
        #expect(tracker.sent(.publish(MQTTPublishPacket(topic: "t", payload: ByteBuffer(), qos: .atMostOnce))) == nil)
        #expect(tracker.received(.pingResp) == nil)
    }
}
