@testable import MQTT5
import NIOCore
import Testing

@Suite("Connection state machine: inbound publishes and topic aliases")
struct MQTTConnectionStateMachineInboundTests {
    static func publish(
        _ topic: String, qos: MQTTQoS, id: UInt16? = nil, alias: UInt16? = nil, dup: Bool = false
    ) -> MQTTPacket {
        var properties = MQTTProperties()
        properties.topicAlias = alias
        return .publish(
            MQTTPublishPacket(
                topic: topic, payload: ByteBuffer(string: "p"), qos: qos, dup: dup, packetIdentifier: id,
                properties: properties))
    }

    @Test("QoS 0 is delivered; QoS 1 is delivered then acknowledged")
    func qos0And1() {
        var harness = StateMachineHarness()
        harness.connect()
        let zero = harness.receive(Self.publish("a", qos: .atMostOnce))
        #expect(zero.delivered.map(\.topic) == ["a"])
        #expect(zero.sent.isEmpty)
        let one = harness.receive(Self.publish("b", qos: .atLeastOnce, id: 4))
        #expect(one.delivered.map(\.topic) == ["b"])
        #expect(one.sent == [.pubAck(MQTTPubAckPacket(packetIdentifier: 4))])
    }

    @Test("QoS 2 is delivered exactly once: a redelivery before PUBREL only gets PUBREC again")
    func exactlyOnce() {
        var harness = StateMachineHarness()
        harness.connect()
        let first = harness.receive(Self.publish("a", qos: .exactlyOnce, id: 9))
        #expect(first.delivered.count == 1)
        #expect(first.sent == [.pubRec(MQTTPubRecPacket(packetIdentifier: 9))])
        let again = harness.receive(Self.publish("a", qos: .exactlyOnce, id: 9, dup: true))
        #expect(again.delivered.isEmpty)
        #expect(again.sent == [.pubRec(MQTTPubRecPacket(packetIdentifier: 9))])
        #expect(
            harness.receive(.pubRel(MQTTPubRelPacket(packetIdentifier: 9))).sent == [
                .pubComp(MQTTPubCompPacket(packetIdentifier: 9))
            ])
        // After PUBREL the identifier is free: a new message with it is delivered.
        #expect(harness.receive(Self.publish("a", qos: .exactlyOnce, id: 9)).delivered.count == 1)
        // A PUBREL for an unknown identifier gets PUBCOMP 0x92.
        #expect(
            harness.receive(.pubRel(MQTTPubRelPacket(packetIdentifier: 50))).sent == [
                .pubComp(MQTTPubCompPacket(packetIdentifier: 50, reasonCode: .packetIdentifierNotFound))
            ])
    }

    @Test("Exactly-once survives a resumed session: a redelivered QoS 2 publish is not delivered again")
    func exactlyOnceAcrossResumption() {
        var harness = StateMachineHarness()
        harness.connect()
        #expect(harness.receive(Self.publish("a", qos: .exactlyOnce, id: 3)).delivered.count == 1)
        harness.closed()
        harness.connect(MQTTConnAckPacket(sessionPresent: true), cleanStart: false)
        #expect(harness.receive(Self.publish("a", qos: .exactlyOnce, id: 3, dup: true)).delivered.isEmpty)
    }

    @Test("More inbound QoS 2 flows than our Receive Maximum closes with 0x93")
    func inboundReceiveMaximum() {
        var harness = StateMachineHarness { $0.receiveMaximum = 2 }
        harness.connect()
        harness.receive(Self.publish("a", qos: .exactlyOnce, id: 1))
        harness.receive(Self.publish("a", qos: .exactlyOnce, id: 2))
        let actions = harness.receive(Self.publish("a", qos: .exactlyOnce, id: 3))
        #expect(actions.delivered.isEmpty)
        #expect(actions.sentDisconnect?.reasonCode == .receiveMaximumExceeded)
        #expect(actions.closes)
    }

    @Test("Inbound topic aliases are bound and resolved")
    func inboundAliases() {
        var harness = StateMachineHarness { $0.inboundTopicAliasMaximum = 3 }
        harness.connect()
        #expect(
            harness.receive(Self.publish("long/topic", qos: .atMostOnce, alias: 2)).delivered.first?.topic
                == "long/topic")
        #expect(harness.receive(Self.publish("", qos: .atMostOnce, alias: 2)).delivered.first?.topic == "long/topic")
        // Rebinding.
        harness.receive(Self.publish("other", qos: .atMostOnce, alias: 2))
        #expect(harness.receive(Self.publish("", qos: .atMostOnce, alias: 2)).delivered.first?.topic == "other")
    }

    @Test("An unknown inbound alias is a protocol error (0x82); one out of range is 0x94")
    func invalidInboundAliases() {
        var unknown = StateMachineHarness { $0.inboundTopicAliasMaximum = 3 }
        unknown.connect()
        let actions = unknown.receive(Self.publish("", qos: .atMostOnce, alias: 1))
        #expect(actions.delivered.isEmpty)
        #expect(actions.sentDisconnect?.reasonCode == .protocolError)
        var outOfRange = StateMachineHarness { $0.inboundTopicAliasMaximum = 3 }
        outOfRange.connect()
        #expect(
            outOfRange.receive(Self.publish("a", qos: .atMostOnce, alias: 4)).sentDisconnect?.reasonCode
                == .topicAliasInvalid)
        var disabled = StateMachineHarness()
        disabled.connect()
        #expect(
            disabled.receive(Self.publish("a", qos: .atMostOnce, alias: 1)).sentDisconnect?.reasonCode
                == .topicAliasInvalid)
    }

    @Test("Inbound aliases do not survive a reconnection")
    func aliasesResetOnReconnect() {
        var harness = StateMachineHarness { $0.inboundTopicAliasMaximum = 3 }
        harness.connect()
        harness.receive(Self.publish("a", qos: .atMostOnce, alias: 1))
        harness.closed()
        harness.connect()
        #expect(
            harness.receive(Self.publish("", qos: .atMostOnce, alias: 1)).sentDisconnect?.reasonCode == .protocolError)
    }

    @Test("Outbound LRU aliasing: full topic with a new alias, then an empty topic; disabled without broker support")
    func outboundLRU() {
        var harness = StateMachineHarness { $0.outboundTopicAliasing = .lru(cacheSize: 2) }
        harness.connect(.with { $0.topicAliasMaximum = 10 })
        let first = harness.publish("a/b", qos: .atMostOnce, token: nil).sentPublishes.first
        #expect(first?.topic == "a/b")
        #expect(first?.properties.topicAlias == 1)
        let second = harness.publish("a/b", qos: .atLeastOnce, token: nil).sentPublishes.first
        #expect(second?.topic == "")
        #expect(second?.properties.topicAlias == 1)
        // The stored copy for retransmission keeps the full topic.
        #expect(
            harness.machine.inFlight.values.contains {
                if case .publish(let p) = $0.operation {
                    p.topic == "a/b" && p.properties.topicAlias == nil
                } else {
                    false
                }
            })
        harness.publish("c", qos: .atMostOnce, token: nil)
        let evicting = harness.publish("d", qos: .atMostOnce, token: nil).sentPublishes.first
        #expect(evicting?.topic == "d")
        #expect(evicting?.properties.topicAlias == 1)  // a/b was least recently used

        var unsupported = StateMachineHarness { $0.outboundTopicAliasing = .lru(cacheSize: 2) }
        unsupported.connect()
        #expect(
            unsupported.publish("a", qos: .atMostOnce, token: nil).sentPublishes.first?.properties.topicAlias == nil)
    }

    @Test("Outbound manual aliasing uses the caller's alias within the broker's limit")
    func outboundManual() {
        var harness = StateMachineHarness { $0.outboundTopicAliasing = .manual }
        harness.connect(.with { $0.topicAliasMaximum = 3 })
        var properties = MQTTProperties()
        properties.topicAlias = 2
        #expect(
            harness.publish("x", qos: .atMostOnce, token: nil, properties: properties).sentPublishes.first?.topic == "x"
        )
        let bound = harness.publish("x", qos: .atMostOnce, token: nil, properties: properties).sentPublishes.first
        #expect(bound?.topic == "")
        #expect(bound?.properties.topicAlias == 2)
        properties.topicAlias = 9
        let outOfRange = harness.publish("x", qos: .atMostOnce, token: nil, properties: properties).sentPublishes.first
        #expect(outOfRange?.topic == "x")
        #expect(outOfRange?.properties.topicAlias == nil)
    }
}
