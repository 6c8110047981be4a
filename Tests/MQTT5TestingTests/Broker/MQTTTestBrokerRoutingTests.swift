import MQTT5
import MQTT5Testing
import NIOCore
import Testing

@Suite("MQTTTestBroker: routing")
struct MQTTTestBrokerRoutingTests {
    @Test("Wildcard subscriptions receive one copy with every subscription identifier")
    func wildcards() async throws {
        try await withMQTTTestBroker { broker in
            let subscriber = try await RawMQTTClient.connect(to: broker, clientID: "sub")
            let publisher = try await RawMQTTClient.connect(to: broker, clientID: "pub")
            var first = MQTTProperties()
            first.subscriptionIdentifiers = [7]
            var second = MQTTProperties()
            second.subscriptionIdentifiers = [9]
            #expect(
                try await subscriber.subscribe(
                    [MQTTSubscription(topicFilter: "sensors/+/temp", qos: .atMostOnce)], properties: first
                ).reasonCodes == [.grantedQoS0])
            #expect(
                try await subscriber.subscribe(
                    [MQTTSubscription(topicFilter: "sensors/#", qos: .atMostOnce)], packetIdentifier: 2,
                    properties: second
                ).reasonCodes == [.grantedQoS0])

            try await publisher.publish("other/a/temp", "no")
            try await publisher.publish("sensors/kitchen/temp", "21")
            let publish = try await subscriber.receivePublish()
            #expect(publish.topic == "sensors/kitchen/temp")
            #expect(publish.payload == ByteBuffer(string: "21"))
            #expect(publish.properties.subscriptionIdentifiers == [7, 9])
            try await publisher.publish("sensors/kitchen", "only #")
            #expect(try await subscriber.receivePublish().properties.subscriptionIdentifiers == [9])
            try await subscriber.expectNoPacket()
        }
    }

    @Test("Request/response properties are forwarded unchanged")
    func requestResponseProperties() async throws {
        try await withMQTTTestBroker { broker in
            let subscriber = try await RawMQTTClient.connect(to: broker, clientID: "service")
            let requester = try await RawMQTTClient.connect(to: broker, clientID: "requester")
            _ = try await subscriber.subscribe("svc/request", qos: .atMostOnce)
            var properties = MQTTProperties()
            properties.responseTopic = "svc/response/requester"
            properties.correlationData = ByteBuffer(bytes: [1, 2, 3, 4])
            properties.contentType = "application/json"
            properties.payloadFormatIndicator = .utf8
            properties.messageExpiryInterval = 60
            properties.userProperties = [
                MQTTUserProperty(name: "trace", value: "abc"), MQTTUserProperty(name: "trace", value: "def"),
            ]
            try await requester.publish("svc/request", "{}", properties: properties)
            let request = try await subscriber.receivePublish()
            #expect(request.properties.responseTopic == properties.responseTopic)
            #expect(request.properties.correlationData == properties.correlationData)
            #expect(request.properties.contentType == properties.contentType)
            #expect(request.properties.payloadFormatIndicator == .utf8)
            #expect(request.properties.userProperties == properties.userProperties)
            let expiry = try #require(request.properties.messageExpiryInterval)
            #expect(expiry <= 60 && expiry >= 59)
        }
    }

    @Test("QoS 1 both ways: PUBACK to the publisher, PUBLISH with a packet identifier to the subscriber")
    func qos1() async throws {
        try await withMQTTTestBroker { broker in
            let subscriber = try await RawMQTTClient.connect(to: broker, clientID: "sub")
            let publisher = try await RawMQTTClient.connect(to: broker, clientID: "pub")
            _ = try await subscriber.subscribe("q/1", qos: .atLeastOnce)
            try await publisher.publish("q/1", "hello", qos: .atLeastOnce, packetIdentifier: 42)
            #expect(try await publisher.receive() == .pubAck(MQTTPubAckPacket(packetIdentifier: 42)))
            let delivered = try await subscriber.receivePublish()
            #expect(delivered.qos == .atLeastOnce)
            let id = try #require(delivered.packetIdentifier)
            try await subscriber.send(.pubAck(MQTTPubAckPacket(packetIdentifier: id)))
            try await broker.waitForPacket(from: "sub") { $0 == .pubAck(MQTTPubAckPacket(packetIdentifier: id)) }
        }
    }

    @Test("Delivered QoS is the minimum of the publish and the subscription")
    func deliveredQoS() async throws {
        try await withMQTTTestBroker { broker in
            let low = try await RawMQTTClient.connect(to: broker, clientID: "low")
            let high = try await RawMQTTClient.connect(to: broker, clientID: "high")
            let publisher = try await RawMQTTClient.connect(to: broker, clientID: "pub")
            _ = try await low.subscribe("m", qos: .atMostOnce)
            _ = try await high.subscribe("m", qos: .exactlyOnce)
            try await publisher.publish("m", "x", qos: .atLeastOnce)
            _ = try await publisher.receive()
            #expect(try await low.receivePublish().qos == .atMostOnce)
            #expect(try await high.receivePublish().qos == .atLeastOnce)
        }
    }

    @Test("QoS 2 inbound is exactly once, outbound runs PUBREC/PUBREL/PUBCOMP")
    func qos2() async throws {
        try await withMQTTTestBroker { broker in
            let subscriber = try await RawMQTTClient.connect(to: broker, clientID: "sub")
            let publisher = try await RawMQTTClient.connect(to: broker, clientID: "pub")
            _ = try await subscriber.subscribe("q/2", qos: .exactlyOnce)

            let publish = MQTTPublishPacket(
                topic: "q/2", payload: ByteBuffer(string: "once"), qos: .exactlyOnce, packetIdentifier: 5)
            try await publisher.send(.publish(publish))
            #expect(try await publisher.receive() == .pubRec(MQTTPubRecPacket(packetIdentifier: 5)))
            var duplicate = publish
            duplicate.dup = true
            try await publisher.send(.publish(duplicate))
            #expect(try await publisher.receive() == .pubRec(MQTTPubRecPacket(packetIdentifier: 5)))
            try await publisher.send(.pubRel(MQTTPubRelPacket(packetIdentifier: 5)))
            #expect(try await publisher.receive() == .pubComp(MQTTPubCompPacket(packetIdentifier: 5)))
            // PUBREL for an identifier no longer known.
            try await publisher.send(.pubRel(MQTTPubRelPacket(packetIdentifier: 5)))
            #expect(
                try await publisher.receive()
                    == .pubComp(MQTTPubCompPacket(packetIdentifier: 5, reasonCode: .packetIdentifierNotFound)))

            let delivered = try await subscriber.receivePublish()
            #expect(delivered.qos == .exactlyOnce)
            #expect(delivered.payload == ByteBuffer(string: "once"))
            let id = try #require(delivered.packetIdentifier)
            try await subscriber.send(.pubRec(MQTTPubRecPacket(packetIdentifier: id)))
            #expect(try await subscriber.receive() == .pubRel(MQTTPubRelPacket(packetIdentifier: id)))
            try await subscriber.send(.pubComp(MQTTPubCompPacket(packetIdentifier: id)))
            // The duplicate was not delivered again.
            try await subscriber.expectNoPacket()
        }
    }

    @Test("The client's Receive Maximum limits unacknowledged outbound messages")
    func clientReceiveMaximum() async throws {
        try await withMQTTTestBroker { broker in
            var properties = MQTTProperties()
            properties.receiveMaximum = 1
            let (subscriber, _) = try await RawMQTTClient.connect(
                to: broker, MQTTConnectPacket(keepAlive: 0, clientIdentifier: "slow", properties: properties))
            _ = try await subscriber.subscribe("work", qos: .atLeastOnce)
            try await broker.publish(topic: "work", payload: ByteBuffer(string: "1"), qos: .atLeastOnce)
            try await broker.publish(topic: "work", payload: ByteBuffer(string: "2"), qos: .atLeastOnce)
            let first = try await subscriber.receivePublish()
            #expect(first.payload == ByteBuffer(string: "1"))
            try await subscriber.expectNoPacket()
            try await subscriber.send(.pubAck(MQTTPubAckPacket(packetIdentifier: try #require(first.packetIdentifier))))
            #expect(try await subscriber.receivePublish().payload == ByteBuffer(string: "2"))
        }
    }

    @Test("Retained messages are stored, sent on subscribe and cleared by an empty payload")
    func retained() async throws {
        try await withMQTTTestBroker { broker in
            let publisher = try await RawMQTTClient.connect(to: broker, clientID: "pub")
            try await publisher.publish("status/door", "open", qos: .atLeastOnce, retain: true)
            _ = try await publisher.receive()

            let early = try await RawMQTTClient.connect(to: broker, clientID: "early")
            #expect(try await early.subscribe("status/+", qos: .atMostOnce).reasonCodes == [.grantedQoS0])
            let retained = try await early.receivePublish()
            #expect(retained.retain)
            #expect(retained.topic == "status/door")
            #expect(retained.payload == ByteBuffer(string: "open"))
            #expect(await broker.retainedMessages.map(\.topic) == ["status/door"])

            // A live retained publish reaches existing subscribers with RETAIN cleared.
            try await publisher.publish("status/door", "", retain: true)
            let clearing = try await early.receivePublish()
            #expect(clearing.retain == false)
            #expect(clearing.payload.readableBytes == 0)

            let late = try await RawMQTTClient.connect(to: broker, clientID: "late")
            _ = try await late.subscribe("status/#", qos: .atMostOnce)
            try await late.expectNoPacket()
            #expect(await broker.retainedMessages.isEmpty)
        }
    }

    @Test("Retain handling and Retain As Published")
    func retainOptions() async throws {
        try await withMQTTTestBroker { broker in
            try await broker.publish(topic: "cfg", payload: ByteBuffer(string: "v1"), retain: true)
            let client = try await RawMQTTClient.connect(to: broker, clientID: "c")
            let doNotSend = MQTTSubscription(
                topicFilter: "cfg", qos: .atMostOnce, retainAsPublished: true, retainHandling: .doNotSend)
            _ = try await client.subscribe([doNotSend])
            try await client.expectNoPacket()
            // Retain As Published keeps the flag on live messages.
            try await broker.publish(topic: "cfg", payload: ByteBuffer(string: "v2"), retain: true)
            #expect(try await client.receivePublish().retain)
            // Send-if-new: not sent again for an existing subscription.
            let ifNew = MQTTSubscription(topicFilter: "cfg", qos: .atMostOnce, retainHandling: .sendOnSubscribeIfNew)
            _ = try await client.subscribe([ifNew], packetIdentifier: 2)
            try await client.expectNoPacket()
        }
    }

    @Test("Shared subscriptions deliver round-robin within a group")
    func sharedRoundRobin() async throws {
        try await withMQTTTestBroker { broker in
            let a = try await RawMQTTClient.connect(to: broker, clientID: "worker-a")
            let b = try await RawMQTTClient.connect(to: broker, clientID: "worker-b")
            let other = try await RawMQTTClient.connect(to: broker, clientID: "other-group")
            _ = try await a.subscribe("$share/workers/jobs/#", qos: .atMostOnce)
            _ = try await b.subscribe("$share/workers/jobs/#", qos: .atMostOnce)
            _ = try await other.subscribe("$share/audit/jobs/#", qos: .atMostOnce)
            for index in 0..<4 {
                try await broker.publish(topic: "jobs/\(index)", payload: ByteBuffer(string: "\(index)"))
            }
            let toA = [try await a.receivePublish().topic, try await a.receivePublish().topic]
            let toB = [try await b.receivePublish().topic, try await b.receivePublish().topic]
            #expect(Set(toA + toB) == ["jobs/0", "jobs/1", "jobs/2", "jobs/3"])
            #expect(toA == ["jobs/0", "jobs/2"] || toA == ["jobs/1", "jobs/3"])
            try await a.expectNoPacket(within: .milliseconds(100))
            try await b.expectNoPacket(within: .milliseconds(100))
            for _ in 0..<4 { _ = try await other.receivePublish() }
        }
    }

    @Test("No Local suppresses a client's own messages")
    func noLocal() async throws {
        try await withMQTTTestBroker { broker in
            let talker = try await RawMQTTClient.connect(to: broker, clientID: "talker")
            let listener = try await RawMQTTClient.connect(to: broker, clientID: "listener")
            _ = try await talker.subscribe([MQTTSubscription(topicFilter: "chat", qos: .atMostOnce, noLocal: true)])
            _ = try await listener.subscribe("chat", qos: .atMostOnce)
            try await talker.publish("chat", "hi")
            #expect(try await listener.receivePublish().payload == ByteBuffer(string: "hi"))
            try await talker.expectNoPacket()
        }
    }

    @Test("UNSUBSCRIBE removes subscriptions and reports unknown ones")
    func unsubscribe() async throws {
        try await withMQTTTestBroker { broker in
            let client = try await RawMQTTClient.connect(to: broker, clientID: "u")
            _ = try await client.subscribe("x/#", qos: .atMostOnce)
            #expect(await broker.subscriptions(clientID: "u").map(\.topicFilter) == ["x/#"])
            try await client.send(.unsubscribe(MQTTUnsubscribePacket(packetIdentifier: 3, topicFilters: ["x/#", "y"])))
            #expect(
                try await client.receive()
                    == .unsubAck(
                        MQTTUnsubAckPacket(packetIdentifier: 3, reasonCodes: [.success, .noSubscriptionExisted])))
            try await broker.publish(topic: "x/1", payload: ByteBuffer())
            try await client.expectNoPacket()
            #expect(await broker.subscriptions(clientID: "u").isEmpty)
        }
    }

    @Test("Client topic aliases are resolved")
    func inboundTopicAlias() async throws {
        try await withMQTTTestBroker { broker in
            let subscriber = try await RawMQTTClient.connect(to: broker, clientID: "sub")
            let publisher = try await RawMQTTClient.connect(to: broker, clientID: "pub")
            _ = try await subscriber.subscribe("long/topic/name", qos: .atMostOnce)
            var alias = MQTTProperties()
            alias.topicAlias = 1
            try await publisher.publish("long/topic/name", "1", properties: alias)
            try await publisher.publish("", "2", properties: alias)
            let first = try await subscriber.receivePublish()
            let second = try await subscriber.receivePublish()
            #expect(first.topic == "long/topic/name" && second.topic == "long/topic/name")
            #expect(second.properties.topicAlias == nil)
        }
    }

    @Test("MQTT 3.1.1 and MQTT 5 clients exchange messages")
    func mixedVersions() async throws {
        try await withMQTTTestBroker { broker in
            let old = try await RawMQTTClient.connect(to: broker, clientID: "old", version: .v3_1_1)
            let new = try await RawMQTTClient.connect(to: broker, clientID: "new")
            _ = try await old.subscribe("mix", qos: .atLeastOnce)
            var properties = MQTTProperties()
            properties.contentType = "text/plain"
            try await new.publish("mix", "hello", qos: .atLeastOnce, properties: properties)
            _ = try await new.receive()
            let delivered = try await old.receivePublish()
            #expect(delivered.payload == ByteBuffer(string: "hello"))
            #expect(delivered.properties.isEmpty)
        }
    }
}
