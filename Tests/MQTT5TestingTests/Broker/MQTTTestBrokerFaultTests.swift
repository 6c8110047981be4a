import MQTT5
import MQTT5Testing
import NIOCore
import Testing

@Suite("MQTTTestBroker: fault injection")
struct MQTTTestBrokerFaultTests {
    @Test("A SUBACK override rejects the chosen filters")
    func subAckOverride() async throws {
        try await withMQTTTestBroker { broker in
            broker.rejectSubscriptions(matching: { $0.hasPrefix("forbidden/") }, with: .notAuthorized)
            let client = try await RawMQTTClient.connect(to: broker, clientID: "c")
            let subAck = try await client.subscribe([
                MQTTSubscription(topicFilter: "allowed/#", qos: .atLeastOnce),
                MQTTSubscription(topicFilter: "forbidden/x", qos: .atLeastOnce),
            ])
            #expect(subAck.reasonCodes == [.grantedQoS1, .notAuthorized])
            #expect(await broker.subscriptions(clientID: "c").map(\.topicFilter) == ["allowed/#"])

            let legacy = try await RawMQTTClient.connect(to: broker, clientID: "legacy", version: .v3_1_1)
            #expect(try await legacy.subscribe("forbidden/y").reasonCodes == [.unspecifiedError])
        }
    }

    @Test("A granted code from the override downgrades the QoS")
    func subAckOverrideGrant() async throws {
        try await withMQTTTestBroker { broker in
            broker.faults.subscribeResult = { _, _ in .grantedQoS0 }
            let client = try await RawMQTTClient.connect(to: broker, clientID: "c")
            #expect(try await client.subscribe("a", qos: .exactlyOnce).reasonCodes == [.grantedQoS0])
            #expect(await broker.subscriptions(clientID: "c").first?.qos == .atMostOnce)
        }
    }

    @Test("A dropped PUBACK is never sent, the message is routed anyway and the retransmission counted")
    func droppedPubAck() async throws {
        try await withMQTTTestBroker { broker in
            broker.dropAcks([.pubAck])
            let subscriber = try await RawMQTTClient.connect(to: broker, clientID: "sub")
            _ = try await subscriber.subscribe("t", qos: .atMostOnce)
            let publisher = try await RawMQTTClient.connect(to: broker, clientID: "pub")
            try await publisher.publish("t", "x", qos: .atLeastOnce, packetIdentifier: 9)
            try await publisher.expectNoPacket(within: .milliseconds(300))
            #expect(try await subscriber.receivePublish().payload == ByteBuffer(string: "x"))
            try await publisher.send(
                .publish(
                    MQTTPublishPacket(
                        topic: "t", payload: ByteBuffer(string: "x"), qos: .atLeastOnce, dup: true, packetIdentifier: 9)
                ))
            // PINGRESP proves the retransmission has been handled (packets are handled in order).
            try await publisher.send(.pingReq)
            #expect(try await publisher.receive() == .pingResp)
            #expect(broker.receivedPackets(clientID: "pub").count { $0.packetType == .publish } == 2)
            broker.resetFaults()
            try await publisher.publish("t", "y", qos: .atLeastOnce, packetIdentifier: 10)
            #expect(try await publisher.receive() == .pubAck(MQTTPubAckPacket(packetIdentifier: 10)))
        }
    }

    @Test("A dropped outbound PUBLISH is lost for one client and resent when its session resumes")
    func droppedPublish() async throws {
        try await withMQTTTestBroker { broker in
            broker.faults.publishFault = { clientID, _ in clientID == "unlucky" ? .drop : .send }
            var properties = MQTTProperties()
            properties.sessionExpiryInterval = 60
            let connect = MQTTConnectPacket(keepAlive: 0, clientIdentifier: "unlucky", properties: properties)
            let (unlucky, _) = try await RawMQTTClient.connect(to: broker, connect)
            let lucky = try await RawMQTTClient.connect(to: broker, clientID: "lucky")
            _ = try await unlucky.subscribe("news", qos: .atLeastOnce)
            _ = try await lucky.subscribe("news", qos: .atLeastOnce)
            try await broker.publish(topic: "news", payload: ByteBuffer(string: "flash"), qos: .atLeastOnce)
            #expect(try await lucky.receivePublish().payload == ByteBuffer(string: "flash"))
            try await unlucky.expectNoPacket()
            await unlucky.close()
            try await broker.waitForDisconnection(clientID: "unlucky")
            broker.resetFaults()
            var resume = connect
            resume.cleanStart = false
            let (again, _) = try await RawMQTTClient.connect(to: broker, resume)
            let resent = try await again.receivePublish()
            #expect(resent.dup)
            #expect(resent.payload == ByteBuffer(string: "flash"))
        }
    }

    @Test("A delayed SUBACK arrives after the delay")
    func delayedSubAck() async throws {
        try await withMQTTTestBroker { broker in
            broker.delayAcks([.subAck], by: .milliseconds(400), clientID: "slow")
            let client = try await RawMQTTClient.connect(to: broker, clientID: "slow")
            // Measured from before the SUBSCRIBE is sent, so a busy machine cannot make it flaky.
            let sent = ContinuousClock.now
            try await client.send(
                .subscribe(
                    MQTTSubscribePacket(packetIdentifier: 1, subscriptions: [MQTTSubscription(topicFilter: "a")])))
            #expect(try await client.receive(timeout: .seconds(5)).packetType == .subAck)
            #expect(ContinuousClock.now - sent >= .milliseconds(400))
        }
    }

    @Test("A replaced PUBACK and a publish result carry error codes")
    func publishFailures() async throws {
        try await withMQTTTestBroker { broker in
            broker.faults.publishResult = { _, publish in publish.topic == "denied" ? .notAuthorized : nil }
            let client = try await RawMQTTClient.connect(to: broker, clientID: "c")
            _ = try await client.subscribe("denied", qos: .atMostOnce)
            try await client.publish("denied", "x", qos: .atLeastOnce, packetIdentifier: 1)
            #expect(
                try await client.receive() == .pubAck(MQTTPubAckPacket(packetIdentifier: 1, reasonCode: .notAuthorized))
            )
            try await client.publish("denied", "x", qos: .exactlyOnce, packetIdentifier: 2)
            #expect(
                try await client.receive() == .pubRec(MQTTPubRecPacket(packetIdentifier: 2, reasonCode: .notAuthorized))
            )
            try await client.expectNoPacket()

            broker.faults.ackFault = { _, ack in
                guard case .pubAck(var pubAck) = ack else { return .send }
                pubAck.reasonCode = .quotaExceeded
                return .replace(with: .pubAck(pubAck))
            }
            try await client.publish("other", "x", qos: .atLeastOnce, packetIdentifier: 3)
            #expect(
                try await client.receive() == .pubAck(MQTTPubAckPacket(packetIdentifier: 3, reasonCode: .quotaExceeded))
            )
        }
    }

    @Test("A server DISCONNECT carries the reason code, reason string and server reference")
    func serverDisconnect() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.connect(to: broker, clientID: "moved")
            let sent = await broker.sendDisconnect(
                clientID: "moved",
                reasonCode: .useAnotherServer,
                reasonString: "maintenance",
                serverReference: "other.example:1883"
            )
            #expect(sent)
            let packets = try await client.waitForClose()
            var properties = MQTTProperties()
            properties.reasonString = "maintenance"
            properties.serverReference = "other.example:1883"
            #expect(
                packets == [.disconnect(MQTTDisconnectPacket(reasonCode: .useAnotherServer, properties: properties))])
            try await broker.waitForDisconnection(clientID: "moved")
            #expect(await broker.sendDisconnect(clientID: "moved", reasonCode: .serverBusy) == false)
        }
    }

    @Test("Dropping a connection closes it without DISCONNECT")
    func dropConnection() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.connect(to: broker, clientID: "victim")
            #expect(await broker.dropConnection(clientID: "victim"))
            #expect(try await client.waitForClose().isEmpty)
            #expect(await broker.dropConnection(clientID: "nobody") == false)
        }
    }

    @Test("The broker uses a topic alias on the second publish to a topic")
    func outboundTopicAlias() async throws {
        try await withMQTTTestBroker { broker in
            broker.faults.usesTopicAliasesOnOutboundPublishes = true
            var properties = MQTTProperties()
            properties.topicAliasMaximum = 5
            let (client, _) = try await RawMQTTClient.connect(
                to: broker, MQTTConnectPacket(keepAlive: 0, clientIdentifier: "aliased", properties: properties))
            _ = try await client.subscribe("very/long/topic", qos: .atMostOnce)
            try await broker.publish(topic: "very/long/topic", payload: ByteBuffer(string: "1"))
            try await broker.publish(topic: "very/long/topic", payload: ByteBuffer(string: "2"))
            let first = try await client.receivePublish()
            let second = try await client.receivePublish()
            #expect(first.topic == "very/long/topic")
            #expect(first.properties.topicAlias == 1)
            #expect(second.topic == "")
            #expect(second.properties.topicAlias == 1)
            #expect(second.payload == ByteBuffer(string: "2"))

            // A client that allows no aliases gets full topics.
            let plain = try await RawMQTTClient.connect(to: broker, clientID: "plain")
            _ = try await plain.subscribe("very/long/topic", qos: .atMostOnce)
            try await broker.publish(topic: "very/long/topic", payload: ByteBuffer(string: "3"))
            let full = try await plain.receivePublish()
            #expect(full.topic == "very/long/topic" && full.properties.topicAlias == nil)
        }
    }

    @Test("Raw bytes reach the client as they are")
    func rawBytes() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.connect(to: broker, clientID: "raw")
            #expect(await broker.sendRaw(clientID: "raw", bytes: ByteBuffer(bytes: [0xD0, 0x00])))
            #expect(try await client.receive() == .pingResp)
            #expect(await broker.send(.pubAck(MQTTPubAckPacket(packetIdentifier: 77)), to: "raw"))
            #expect(try await client.receive() == .pubAck(MQTTPubAckPacket(packetIdentifier: 77)))
        }
    }

    @Test("CONNECT can be left unanswered")
    func neverAnswerConnect() async throws {
        try await withMQTTTestBroker { broker in
            broker.faults.connectFault = { connect in connect.clientIdentifier == "ignored" ? .neverAnswer : nil }
            let client = try await RawMQTTClient.open(to: broker)
            try await client.send(.connect(MQTTConnectPacket(clientIdentifier: "ignored")))
            try await client.expectNoPacket(within: .milliseconds(300))
            #expect(broker.receivedPackets(clientID: "ignored").map(\.packetType) == [.connect])
            #expect(broker.connectedClientIDs.isEmpty)
            #expect(await broker.dropConnection(clientID: "ignored"))
            _ = try await client.waitForClose()
        }
    }

    @Test("CONNACK can be delayed")
    func delayedConnAck() async throws {
        try await withMQTTTestBroker { broker in
            broker.faults.connectFault = { _ in .delay(.milliseconds(300)) }
            let client = try await RawMQTTClient.open(to: broker)
            let start = ContinuousClock.now
            let connAck = try await client.handshake(MQTTConnectPacket(clientIdentifier: "late"))
            #expect(connAck.reasonCode == .success)
            #expect(ContinuousClock.now - start >= .milliseconds(250))
            try await broker.waitForConnection(clientID: "late")
            await client.close()
        }
    }

    @Test("CONNECT can be refused with a chosen code")
    func refuseConnect() async throws {
        try await withMQTTTestBroker { broker in
            broker.faults.connectFault = { _ in .refuse(.serverBusy, reasonString: "busy", serverReference: "b:1883") }
            let client = try await RawMQTTClient.open(to: broker)
            let connAck = try await client.handshake(MQTTConnectPacket(clientIdentifier: "refused"))
            #expect(connAck.reasonCode == .serverBusy)
            #expect(connAck.properties.reasonString == "busy")
            #expect(connAck.properties.serverReference == "b:1883")
            _ = try await client.waitForClose()

            let legacy = try await RawMQTTClient.open(to: broker, version: .v3_1_1)
            broker.faults.connectFault = { _ in .refuse(.notAuthorized) }
            let legacyAck = try await legacy.handshake(
                MQTTConnectPacket(protocolVersion: .v3_1_1, clientIdentifier: "legacy"))
            #expect(legacyAck.reasonCode == .notAuthorized)
        }
    }

    @Test("Malformed input gets DISCONNECT 0x81 and the connection closed")
    func malformedInput() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.connect(to: broker, clientID: "garbage")
            // SUBSCRIBE with fixed header flags 0 instead of 2.
            try await client.sendRaw([0x80, 0x00])
            let packets = try await client.waitForClose()
            #expect(packets.count == 1)
            guard case .disconnect(let disconnect) = packets.first else {
                Issue.record("expected DISCONNECT, got \(packets)")
                return
            }
            #expect(disconnect.reasonCode == .malformedPacket)
        }
    }

    @Test("A packet above the advertised maximum packet size gets DISCONNECT 0x95")
    func packetTooLarge() async throws {
        var configuration = MQTTTestBroker.Configuration()
        configuration.capabilities.maximumPacketSize = 64
        try await withMQTTTestBroker(configuration: configuration) { broker in
            let client = try await RawMQTTClient.connect(to: broker, clientID: "big")
            try await client.publish("t", String(repeating: "x", count: 100))
            let packets = try await client.waitForClose()
            #expect(packets.map(\.packetType) == [.disconnect])
            if case .disconnect(let disconnect) = packets.first {
                #expect(disconnect.reasonCode == .packetTooLarge)
            }
        }
    }

    @Test("Exceeding the advertised Receive Maximum gets DISCONNECT 0x93")
    func receiveMaximumExceeded() async throws {
        try await withMQTTTestBroker { broker in
            broker.capabilities.receiveMaximum = 1
            let client = try await RawMQTTClient.connect(to: broker, clientID: "eager")
            try await client.publish("t", "1", qos: .exactlyOnce, packetIdentifier: 1)
            #expect(try await client.receive().packetType == .pubRec)
            try await client.publish("t", "2", qos: .exactlyOnce, packetIdentifier: 2)
            let packets = try await client.waitForClose()
            #expect(packets.map(\.packetType) == [.disconnect])
            if case .disconnect(let disconnect) = packets.first {
                #expect(disconnect.reasonCode == .receiveMaximumExceeded)
            }
        }
    }

    @Test("The inbound interceptor can ignore packets and the log counts SUBSCRIBEs")
    func interceptAndCount() async throws {
        try await withMQTTTestBroker { broker in
            broker.faults.inboundInterceptor = { _, packet in packet.packetType == .unsubscribe ? .ignore : .process }
            let client = try await RawMQTTClient.connect(to: broker, clientID: "counted")
            _ = try await client.subscribe("a", packetIdentifier: 1)
            _ = try await client.subscribe("b", packetIdentifier: 2)
            try await client.send(.unsubscribe(MQTTUnsubscribePacket(packetIdentifier: 3, topicFilters: ["a"])))
            try await client.expectNoPacket()
            #expect(broker.receivedPackets(clientID: "counted").count { $0.packetType == .subscribe } == 2)
            #expect(broker.receivedPackets(clientID: "counted").count { $0.packetType == .unsubscribe } == 1)
            #expect(broker.sentPackets(clientID: "counted").count { $0.packetType == .subAck } == 2)
            #expect(await broker.subscriptions(clientID: "counted").count == 2)
        }
    }

    @Test("Events report connections, packets and disconnections", .timeLimit(.minutes(1)))
    func events() async throws {
        try await withMQTTTestBroker { broker in
            let events = broker.events()
            let client = try await RawMQTTClient.connect(to: broker, clientID: "observed")
            await client.close()
            var seen: [MQTTTestBroker.Event] = []
            for await event in events {
                seen.append(event)
                if event == .disconnected(clientID: "observed") { break }
            }
            #expect(
                seen.first
                    == .packet(
                        .init(
                            clientID: "observed", direction: .received,
                            packet: .connect(MQTTConnectPacket(keepAlive: 0, clientIdentifier: "observed")))))
            #expect(seen.contains(.connected(clientID: "observed")))
        }
    }
}
