@testable import MQTT5
import NIOCore
import Testing

@Suite("Connection state machine: outbound QoS flows and limits")
struct MQTTConnectionStateMachineOutboundTests {
    @Test("QoS 0 completes when written, without a packet identifier")
    func qos0() {
        var harness = StateMachineHarness()
        harness.connect()
        let actions = harness.publish(qos: .atMostOnce, token: 1)
        #expect(actions.sentPublishes.first?.packetIdentifier == nil)
        #expect(actions.publishResults.first?.1 == MQTTPublishResult(qos: .atMostOnce))
    }

    @Test("QoS 1 completes with the PUBACK, including a negative one")
    func qos1() {
        var harness = StateMachineHarness()
        harness.connect()
        let sent = harness.publish(qos: .atLeastOnce, token: 1)
        let identifier = sent.sentPublishes.first?.packetIdentifier
        #expect(identifier != nil)
        #expect(harness.machine.statistics.unackedOperationCount == 1)
        var properties = MQTTProperties()
        properties.reasonString = "denied"
        let pubAck = MQTTPubAckPacket(
            packetIdentifier: identifier ?? 0, reasonCode: .notAuthorized, properties: properties)
        let done = harness.receive(.pubAck(pubAck))
        #expect(done.publishResults.first?.0 == 1)
        #expect(done.publishResults.first?.1.pubAck == pubAck)
        #expect(done.publishResults.first?.1.isSuccess == false)
        #expect(done.publishResults.first?.1.reasonString == "denied")
        #expect(harness.machine.statistics == MQTTOperationStatistics())
    }

    @Test("QoS 2: PUBREC answered with PUBREL, PUBCOMP completes with both; an error PUBREC ends the flow")
    func qos2() {
        var harness = StateMachineHarness()
        harness.connect()
        let identifier = harness.publish(qos: .exactlyOnce, token: 1).sentPublishes.first?.packetIdentifier ?? 0
        let pubRec = MQTTPubRecPacket(packetIdentifier: identifier)
        let rel = harness.receive(.pubRec(pubRec))
        #expect(rel.sent == [.pubRel(MQTTPubRelPacket(packetIdentifier: identifier))])
        #expect(rel.publishResults.isEmpty)
        // A duplicate PUBREC gets the PUBREL again.
        #expect(harness.receive(.pubRec(pubRec)).sent.count == 1)
        let pubComp = MQTTPubCompPacket(packetIdentifier: identifier)
        let done = harness.receive(.pubComp(pubComp))
        #expect(done.publishResults.first?.1 == MQTTPublishResult(qos: .exactlyOnce, pubRec: pubRec, pubComp: pubComp))

        let second = harness.publish(qos: .exactlyOnce, token: 2).sentPublishes.first?.packetIdentifier ?? 0
        let refused = harness.receive(.pubRec(MQTTPubRecPacket(packetIdentifier: second, reasonCode: .quotaExceeded)))
        #expect(refused.sent.isEmpty)
        #expect(refused.publishResults.first?.1.pubRec?.reasonCode == .quotaExceeded)
        #expect(refused.publishResults.first?.1.isSuccess == false)
        #expect(harness.machine.inFlight.isEmpty)
    }

    @Test("A PUBREC for an unknown identifier is answered with PUBREL 0x92")
    func unknownPubRec() {
        var harness = StateMachineHarness()
        harness.connect()
        let actions = harness.receive(.pubRec(MQTTPubRecPacket(packetIdentifier: 99)))
        #expect(
            actions.sent == [.pubRel(MQTTPubRelPacket(packetIdentifier: 99, reasonCode: .packetIdentifierNotFound))])
    }

    @Test("Packet identifiers are never reused while in flight, across wrap-around")
    func identifiersNotReused() {
        var harness = StateMachineHarness()
        harness.connect()
        let held = harness.publish(qos: .atLeastOnce, token: 0).sentPublishes.first?.packetIdentifier ?? 0
        var seen: Set<UInt16> = [held]
        for token in 1...70_000 {
            let identifier = harness.publish(qos: .atLeastOnce, token: token).sentPublishes.first?.packetIdentifier ?? 0
            #expect(identifier != held)
            #expect(identifier != 0)
            if token < 65_535 { #expect(seen.insert(identifier).inserted) }
            harness.receive(.pubAck(MQTTPubAckPacket(packetIdentifier: identifier)))
            if token == 65_534 { seen = [held] }
        }
    }

    @Test("The broker's Receive Maximum caps QoS 1/2 publishes in flight; the rest wait in order")
    func receiveMaximum() {
        var harness = StateMachineHarness()
        harness.connect(.with { $0.receiveMaximum = 2 })
        #expect(harness.publish(qos: .atLeastOnce, token: 1).sentPublishes.count == 1)
        #expect(harness.publish(qos: .exactlyOnce, token: 2).sentPublishes.count == 1)
        #expect(harness.publish(qos: .atLeastOnce, token: 3).sentPublishes.isEmpty)
        // Later operations queue behind, even QoS 0, to keep the order.
        #expect(harness.publish(qos: .atMostOnce, token: 4).sentPublishes.isEmpty)
        #expect(harness.machine.publishesInFlight == 2)
        #expect(harness.machine.statistics.incompleteOperationCount == 4)
        #expect(harness.machine.statistics.unackedOperationCount == 2)
        let first = harness.machine.inFlight.values.first { $0.sequence == 1 }
        guard case .publish(let packet) = first?.operation else {
            Issue.record("no first publish")
            return
        }
        let released = harness.receive(.pubAck(MQTTPubAckPacket(packetIdentifier: packet.packetIdentifier ?? 0)))
        #expect(released.sentPublishes.count == 2)  // publish 3, then the QoS 0 publish 4
        #expect(released.publishResults.map(\.0) == [1, 4])
        #expect(harness.machine.publishesInFlight == 2)
    }

    @Test("A publish larger than the broker's Maximum Packet Size fails locally with packetTooLarge")
    func maximumPacketSize() {
        var harness = StateMachineHarness()
        harness.connect(.with { $0.maximumPacketSize = 100 })
        let actions = harness.publish(qos: .atLeastOnce, token: 1, payload: String(repeating: "x", count: 200))
        #expect(actions.sent.isEmpty)
        #expect(actions.failures.first?.1.code == .packetTooLarge)
        #expect(harness.machine.inFlight.isEmpty)
        // Exact size boundary: the computed size equals the encoded size.
        let packet = MQTTPublishPacket(
            topic: "t", payload: ByteBuffer(string: String(repeating: "y", count: 40)), qos: .atLeastOnce,
            packetIdentifier: 1)
        var buffer = ByteBuffer()
        try? MQTTPacket.publish(packet).encode(into: &buffer, version: .v5_0)
        #expect((try? MQTTPacketSize.publish(packet, version: .v5_0)) == buffer.readableBytes)
    }

    @Test("Maximum QoS and Retain Available are enforced with notSupportedByServer")
    func maximumQoSAndRetain() {
        var harness = StateMachineHarness()
        harness.connect(
            .with {
                $0.maximumQoS = .atLeastOnce
                $0.retainAvailable = false
            })
        #expect(harness.publish(qos: .exactlyOnce, token: 1).failures.first?.1.code == .notSupportedByServer)
        #expect(
            harness.publish(qos: .atMostOnce, token: 2, retain: true).failures.first?.1.code == .notSupportedByServer)
        #expect(harness.publish(qos: .atLeastOnce, token: 3).sentPublishes.count == 1)
    }

    @Test("Wildcard, shared and subscription-identifier availability are enforced")
    func subscriptionAvailability() {
        var harness = StateMachineHarness()
        harness.connect(
            .with {
                $0.wildcardSubscriptionAvailable = false
                $0.sharedSubscriptionAvailable = false
                $0.subscriptionIdentifiersAvailable = false
            })
        #expect(harness.subscribe(["a/+"], token: 1).failures.first?.1.code == .notSupportedByServer)
        #expect(harness.subscribe(["$share/g/a"], token: 2).failures.first?.1.code == .notSupportedByServer)
        var properties = MQTTProperties()
        properties.subscriptionIdentifiers = [5]
        #expect(
            harness.subscribe(["a"], token: 3, properties: properties).failures.first?.1.code == .notSupportedByServer)
        let ok = harness.subscribe(["a/b"], token: 4)
        #expect(ok.sent.count == 1)
    }

    @Test("SUBACK and UNSUBACK complete their operations with the per-filter reason codes")
    func subscribeUnsubscribe() {
        var harness = StateMachineHarness()
        harness.connect()
        guard case .subscribe(let subscribe) = harness.subscribe(["a", "b"], token: 1).sent.first else {
            Issue.record("no SUBSCRIBE")
            return
        }
        let subAck = MQTTSubAckPacket(
            packetIdentifier: subscribe.packetIdentifier, reasonCodes: [.grantedQoS1, .notAuthorized])
        #expect(harness.receive(.subAck(subAck)).subAcks.first?.1 == subAck)
        let unsub = harness.submit(
            .unsubscribe(MQTTUnsubscribePacket(packetIdentifier: 1, topicFilters: ["a"])), token: 2)
        guard case .unsubscribe(let unsubscribe) = unsub.sent.first else {
            Issue.record("no UNSUBSCRIBE")
            return
        }
        let unsubAck = MQTTUnsubAckPacket(packetIdentifier: unsubscribe.packetIdentifier, reasonCodes: [.success])
        let done = harness.receive(.unsubAck(unsubAck))
        #expect(done.contains { if case .succeedUnsubscribe(2, unsubAck) = $0 { true } else { false } })
    }

    @Test("Invalid arguments fail before anything is sent")
    func invalidArguments() {
        var harness = StateMachineHarness()
        harness.connect()
        #expect(harness.publish("a/+", qos: .atMostOnce, token: 1).failures.first?.1.code == .invalidArgument)
        #expect(harness.publish("", qos: .atMostOnce, token: 2).failures.first?.1.code == .invalidArgument)
        #expect(harness.subscribe(["a/#/b"], token: 3).failures.first?.1.code == .invalidArgument)
        #expect(harness.subscribe([], token: 4).failures.first?.1.code == .invalidArgument)
        var properties = MQTTProperties()
        properties.sessionExpiryInterval = 5  // not a PUBLISH property
        #expect(
            harness.publish(qos: .atMostOnce, token: 5, properties: properties).failures.first?.1.code
                == .invalidArgument)
        let shared = harness.submit(
            .subscribe(
                MQTTSubscribePacket(
                    packetIdentifier: 1, subscriptions: [MQTTSubscription(topicFilter: "$share/g/a", noLocal: true)])),
            token: 6)
        #expect(shared.failures.first?.1.code == .invalidArgument)
    }

    @Test("The acknowledgement timeout fails the operation and frees its slot")
    func ackTimeout() {
        var harness = StateMachineHarness {
            $0.ackTimeout = .seconds(5)
            $0.keepAlive = 0
        }
        harness.connect(.with { $0.receiveMaximum = 1 })
        harness.publish(qos: .atLeastOnce, token: 1)
        #expect(harness.publish(qos: .atLeastOnce, token: 2).sentPublishes.isEmpty)
        #expect(harness.machine.nextDeadline == harness.now + .seconds(5))
        let expired = harness.advance(by: .seconds(5))
        #expect(expired.failures.first?.0 == 1)
        #expect(expired.failures.first?.1.code == .ackTimeout)
        #expect(expired.sentPublishes.count == 1)  // the queued one goes out
        #expect(harness.advance(by: .seconds(5)).failedTokens == [2])
    }

    @Test("Cancelling a queued operation removes it; a sent one keeps its flow but reports cancelled")
    func cancellation() {
        var harness = StateMachineHarness()
        harness.connect(.with { $0.receiveMaximum = 1 })
        harness.publish(qos: .atLeastOnce, token: 1)
        harness.publish(qos: .atLeastOnce, token: 2)
        var actions: [TestAction] = []
        harness.machine.cancel(where: { $0 == 2 }, into: &actions)
        #expect(actions.failures.first?.1.code == .cancelled)
        #expect(harness.machine.queue.isEmpty)
        actions = []
        harness.machine.cancel(where: { $0 == 1 }, into: &actions)
        #expect(actions.failedTokens == [1])
        #expect(harness.machine.inFlight.count == 1)
        let identifier = harness.machine.inFlight.keys.first ?? 0
        #expect(harness.receive(.pubAck(MQTTPubAckPacket(packetIdentifier: identifier))).publishResults.isEmpty)
        #expect(harness.machine.inFlight.isEmpty)
    }
}

@Suite("Connection state machine: AWS IoT Core extended validation")
struct MQTTExtendedValidationTests {
    @Test("Topic length and depth, subscriptions per SUBSCRIBE; $aws/rules prefix not counted")
    func awsIoTCoreLimits() {
        var harness = StateMachineHarness { $0.extendedValidation = .awsIoTCore }
        harness.connect()
        #expect(
            harness.publish(String(repeating: "a", count: 257), qos: .atMostOnce, token: 1).failures.first?.1.code
                == .invalidArgument)
        #expect(
            harness.publish("1/2/3/4/5/6/7/8/9", qos: .atMostOnce, token: 2).failures.first?.1.code == .invalidArgument)
        #expect(harness.publish("1/2/3/4/5/6/7/8", qos: .atMostOnce, token: 3).failures.isEmpty)
        #expect(harness.publish("$aws/rules/myrule/1/2/3/4/5/6/7/8", qos: .atMostOnce, token: 4).failures.isEmpty)
        #expect(harness.subscribe((0..<9).map { "t/\($0)" }, token: 5).failures.first?.1.code == .invalidArgument)
        #expect(harness.subscribe((0..<8).map { "t/\($0)" }, token: 6).failures.isEmpty)
        #expect(MQTTExtendedValidation.awsIoTCore.check(clientIdentifier: String(repeating: "c", count: 129)) != nil)
        var plain = StateMachineHarness()
        plain.connect()
        #expect(plain.publish("1/2/3/4/5/6/7/8/9", qos: .atMostOnce, token: 1).failures.isEmpty)
    }
}
