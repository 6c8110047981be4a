@testable import MQTT5
import NIOCore
import Testing

@Suite("Session journal: compacted changes between commits")
struct MQTTSessionJournalTests {
    static func record(_ sequence: UInt64, identifier: UInt16? = 1, released: Bool = false) -> MQTTStoredPublish {
        MQTTStoredPublish(
            sequence: sequence, packetIdentifier: identifier, isReleased: released,
            packet: MQTTPublishPacket(topic: "t", payload: ByteBuffer(string: "x"), qos: .exactlyOnce))
    }

    @Test("A publish inserted and completed before the commit writes nothing")
    func insertedThenRemoved() {
        var journal = MQTTSessionJournal()
        journal.insert(Self.record(1))
        journal.remove(1)
        #expect(journal.isEmpty)
        #expect(journal.take().isEmpty)
    }

    @Test("A committed publish updated then removed is one removal; updates keep the last state")
    func updates() {
        var journal = MQTTSessionJournal()
        journal.update(Self.record(1, released: true))
        journal.update(Self.record(2, identifier: nil))
        journal.update(Self.record(2, identifier: 9))
        journal.remove(1)
        let transaction = journal.take()
        #expect(transaction.removedPublishes == [1])
        #expect(transaction.savedPublishes == [Self.record(2, identifier: 9)])
        #expect(journal.isEmpty)
    }

    @Test("Inbound identifiers: the last change wins; dropping all comes first")
    func inbound() {
        var journal = MQTTSessionJournal()
        journal.addInbound(3)
        journal.removeInbound(3)
        journal.removeAllInbound()
        journal.addInbound(4)
        journal.setMetadata(["next": "5"])
        journal.connected(sessionExpiryInterval: 60)
        let transaction = journal.take()
        #expect(transaction.removesAllInboundPacketIdentifiers)
        #expect(transaction.addedInboundPacketIdentifiers == [4])
        #expect(transaction.removedInboundPacketIdentifiers.isEmpty)
        #expect(transaction.metadata == ["next": "5"])
        #expect(transaction.sessionExpiryInterval == 60)
    }

    @Test("Without a store the machine keeps no journal")
    func noStoreNoJournal() {
        var machine = MQTTConnectionStateMachine<Int>(configuration: .init())
        var actions: [MQTTConnectionAction<Int>] = []
        machine.submit(
            .publish(MQTTPublishPacket(topic: "t", payload: ByteBuffer(), qos: .atLeastOnce)), token: 1, now: .now(),
            into: &actions)
        #expect(machine.journal == nil)
    }
}
