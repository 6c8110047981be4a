@testable import MQTT5
import NIOCore
import Testing

@Suite("Connection state machine: sessions and the offline queue")
struct MQTTConnectionStateMachineSessionTests {
    @Test("On a resumed session, un-acknowledged publishes are resent with DUP and PUBRELs again, in order")
    func resumedSession() {
        var harness = StateMachineHarness()
        harness.connect()
        let one = harness.publish("one", qos: .atLeastOnce, token: 1).sentPublishes.first?.packetIdentifier ?? 0
        let two = harness.publish("two", qos: .exactlyOnce, token: 2).sentPublishes.first?.packetIdentifier ?? 0
        let three = harness.publish("three", qos: .exactlyOnce, token: 3).sentPublishes.first?.packetIdentifier ?? 0
        harness.receive(.pubRec(MQTTPubRecPacket(packetIdentifier: two)))
        let (_, closing) = harness.closed()
        #expect(closing.failures.isEmpty)
        let actions = harness.connect(MQTTConnAckPacket(sessionPresent: true), cleanStart: false)
        #expect(actions.connected?.1.rejoinedSession == true)
        #expect(actions.sent.count == 4)  // CONNECT + 3
        #expect(actions.sent.dropFirst().map(\.packetType) == [.publish, .pubRel, .publish])
        let resent = actions.sentPublishes
        #expect(resent.map(\.packetIdentifier) == [one, three])
        #expect(resent.allSatisfy { $0.dup })
        #expect(harness.receive(.pubAck(MQTTPubAckPacket(packetIdentifier: one))).publishResults.map(\.0) == [1])
        #expect(harness.receive(.pubComp(MQTTPubCompPacket(packetIdentifier: two))).publishResults.map(\.0) == [2])
    }

    @Test("On a lost session, un-acknowledged publishes are queued again as new publishes and the event says so")
    func lostSession() {
        var harness = StateMachineHarness()
        harness.connect()
        harness.publish("one", qos: .atLeastOnce, token: 1)
        let two = harness.publish("two", qos: .exactlyOnce, token: 2).sentPublishes.first?.packetIdentifier ?? 0
        harness.receive(.pubRec(MQTTPubRecPacket(packetIdentifier: two)))
        harness.closed()
        let actions = harness.connect(MQTTConnAckPacket(sessionPresent: false), cleanStart: false)
        #expect(actions.connected?.1.sessionLost == true)
        #expect(actions.connected?.1.rejoinedSession == false)
        // The PUBREC'd QoS 2 publish completes (the broker owned it); QoS 1 is sent again, not as DUP.
        #expect(actions.publishResults.map(\.0) == [2])
        #expect(actions.sentPublishes.map(\.topic) == ["one"])
        #expect(actions.sentPublishes.first?.dup == false)
    }

    @Test("With failAll, a lost session fails the un-acknowledged publishes with sessionLost")
    func lostSessionFailAll() {
        var harness = StateMachineHarness { $0.offlineQueue = MQTTOfflineQueuePolicy(behavior: .failAll) }
        harness.connect()
        harness.publish("one", qos: .atLeastOnce, token: 1)
        harness.closed()
        let actions = harness.connect(MQTTConnAckPacket(sessionPresent: false), cleanStart: false)
        #expect(actions.failures.map(\.0) == [1])
        #expect(actions.failures.first?.1.code == .sessionLost)
    }

    @Test("failQoS0Publish: QoS 0 publishes fail on disconnection and are rejected offline; the rest waits in order")
    func failQoS0Publish() {
        var harness = StateMachineHarness()
        harness.connect(.with { $0.receiveMaximum = 1 })
        harness.publish(qos: .atLeastOnce, token: 1)
        harness.publish(qos: .atLeastOnce, token: 7)  // queued: receive maximum reached
        harness.publish(qos: .atMostOnce, token: 2)  // queued behind it
        harness.subscribe(["s"], token: 3)  // queued
        let (_, closing) = harness.closed()
        #expect(closing.failedTokens == [2])
        #expect(harness.publish(qos: .atMostOnce, token: 4).failures.first?.1.code == .offline)
        #expect(harness.publish(qos: .atLeastOnce, token: 5).isEmpty)
        #expect(harness.subscribe(["t"], token: 6).isEmpty)
        let actions = harness.connect(MQTTConnAckPacket(sessionPresent: false), cleanStart: false)
        // 1 is re-queued at the head; receive maximum 65,535 now.
        #expect(actions.sent.map(\.packetType) == [.connect, .publish, .publish, .subscribe, .publish, .subscribe])
    }

    @Test("An in-flight subscribe is re-queued on disconnection under failQoS0Publish and failed otherwise")
    func inFlightSubscribeOnDisconnect() {
        var kept = StateMachineHarness()
        kept.connect()
        kept.subscribe(["a"], token: 1)
        #expect(kept.closed().1.failures.isEmpty)
        #expect(kept.connect().sent.map(\.packetType) == [.connect, .subscribe])

        var failed = StateMachineHarness { $0.offlineQueue = MQTTOfflineQueuePolicy(behavior: .failNonQoS1Publish) }
        failed.connect()
        failed.subscribe(["a"], token: 1)
        failed.publish(qos: .atLeastOnce, token: 2)
        let (outcome, actions) = failed.closed()
        #expect(actions.failedTokens == [1])
        #expect(actions.failures.first?.1.code == outcome.reason.error.code)
    }

    @Test("failNonQoS1Publish keeps only QoS 1/2 publishes; failAll accepts nothing offline")
    func otherPolicies() {
        var nonQoS1 = StateMachineHarness { $0.offlineQueue = MQTTOfflineQueuePolicy(behavior: .failNonQoS1Publish) }
        #expect(nonQoS1.subscribe(["a"], token: 1).failures.first?.1.code == .offline)
        #expect(nonQoS1.publish(qos: .atMostOnce, token: 2).failures.first?.1.code == .offline)
        #expect(nonQoS1.publish(qos: .exactlyOnce, token: 3).isEmpty)
        var all = StateMachineHarness { $0.offlineQueue = MQTTOfflineQueuePolicy(behavior: .failAll) }
        #expect(all.publish(qos: .atLeastOnce, token: 1).failures.first?.1.code == .offline)
        #expect(all.subscribe(["a"], token: 2).failures.first?.1.code == .offline)
    }

    @Test("Queue capacity: dropNewest fails the new operation, dropOldest the oldest")
    func capacity() {
        var newest = StateMachineHarness {
            $0.offlineQueue = MQTTOfflineQueuePolicy(capacity: 2, dropBehavior: .dropNewest)
        }
        newest.publish(qos: .atLeastOnce, token: 1)
        newest.publish(qos: .atLeastOnce, token: 2)
        let dropped = newest.publish(qos: .atLeastOnce, token: 3)
        #expect(dropped.failures.map(\.0) == [3])
        #expect(dropped.failures.first?.1.code == .queueFull)
        var oldest = StateMachineHarness {
            $0.offlineQueue = MQTTOfflineQueuePolicy(capacity: 2, dropBehavior: .dropOldest)
        }
        oldest.publish(qos: .atLeastOnce, token: 1)
        oldest.publish(qos: .atLeastOnce, token: 2)
        #expect(oldest.publish(qos: .atLeastOnce, token: 3).failedTokens == [1])
        let sent = oldest.connect().sentPublishes
        #expect(sent.count == 2)
        #expect(oldest.machine.statistics.incompleteOperationCount == 2)
    }

    @Test("Stopping fails everything queued and in flight and drops the session")
    func failAll() {
        var harness = StateMachineHarness()
        harness.connect(.with { $0.receiveMaximum = 1 })
        harness.publish(qos: .atLeastOnce, token: 1)
        harness.publish(qos: .atLeastOnce, token: 2)
        harness.receive(MQTTConnectionStateMachineInboundTests.publish("a", qos: .exactlyOnce, id: 5))
        var actions: [TestAction] = []
        harness.machine.failAll(MQTTError(code: .clientStopped, message: "stop"), into: &actions)
        #expect(Set(actions.failedTokens) == [1, 2])
        #expect(harness.machine.inboundQoS2.isEmpty)
        #expect(harness.machine.statistics == MQTTOperationStatistics())
    }
}
