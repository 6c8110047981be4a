@testable import MQTT5
import NIOCore
import Testing

@Suite("Connection state machine: deferred acknowledgements")
struct MQTTConnectionStateMachineAcknowledgementTests {
    static func publish(_ id: UInt16, qos: MQTTQoS = .atLeastOnce) -> MQTTPacket {
        .publish(MQTTPublishPacket(topic: "t", payload: ByteBuffer(string: "p"), qos: qos, packetIdentifier: id))
    }

    @Test("A deferred PUBACK is sent only when the application acknowledges")
    func deferredUntilAcknowledged() throws {
        var harness = StateMachineHarness()
        harness.connect()
        let delivered = harness.receive(Self.publish(7), deferAcknowledgements: true)
        #expect(delivered.delivered.count == 1)
        #expect(delivered.sent.isEmpty)
        let acknowledgement = try #require(delivered.acknowledgements.first)
        #expect(harness.acknowledge(acknowledgement).sent == [.pubAck(MQTTPubAckPacket(packetIdentifier: 7))])
        // Acknowledging twice sends nothing more.
        #expect(harness.acknowledge(acknowledgement).sent.isEmpty)
    }

    @Test("Acknowledgements leave in the order the publishes arrived (MQTT-4.6.0-2, -3)")
    func orderIsKept() throws {
        var harness = StateMachineHarness()
        harness.connect()
        let first = try #require(harness.receive(Self.publish(1), deferAcknowledgements: true).acknowledgements.first)
        let second = try #require(
            harness.receive(Self.publish(2, qos: .exactlyOnce), deferAcknowledgements: true).acknowledgements.first)
        let third = try #require(harness.receive(Self.publish(3), deferAcknowledgements: true).acknowledgements.first)
        // Later ones acknowledged first are held back behind the first.
        #expect(harness.acknowledge(third).sent.isEmpty)
        #expect(harness.acknowledge(second).sent.isEmpty)
        #expect(
            harness.acknowledge(first).sent == [
                .pubAck(MQTTPubAckPacket(packetIdentifier: 1)), .pubRec(MQTTPubRecPacket(packetIdentifier: 2)),
                .pubAck(MQTTPubAckPacket(packetIdentifier: 3)),
            ])
    }

    @Test("A publish acknowledged at once still waits for an earlier deferred one")
    func immediateBehindDeferred() throws {
        var harness = StateMachineHarness()
        harness.connect()
        let held = try #require(harness.receive(Self.publish(1), deferAcknowledgements: true).acknowledgements.first)
        // The client acknowledges this one at once (no listener deferred it): still held back.
        #expect(harness.receive(Self.publish(2)).sent.isEmpty)
        #expect(
            harness.acknowledge(held).sent == [
                .pubAck(MQTTPubAckPacket(packetIdentifier: 1)), .pubAck(MQTTPubAckPacket(packetIdentifier: 2)),
            ])
    }

    @Test("Acknowledgements owed on a connection that ended are dropped; the broker redelivers")
    func droppedWithTheConnection() throws {
        var harness = StateMachineHarness()
        harness.connect()
        let stale = try #require(harness.receive(Self.publish(5), deferAcknowledgements: true).acknowledgements.first)
        harness.closed()
        harness.connect(MQTTConnAckPacket(sessionPresent: true), cleanStart: false)
        #expect(harness.acknowledge(stale).sent.isEmpty)
        #expect(harness.receive(Self.publish(5)).sent == [.pubAck(MQTTPubAckPacket(packetIdentifier: 5))])
    }
}
