import MQTT5
import MQTT5Testing
import NIOCore
import Testing

@Suite("Codec against mosquitto", .enabled(if: MosquittoBroker.shouldRunTests), .timeLimit(.minutes(1)))
struct CodecMosquittoTests {
    typealias Connection = RawMQTTConnection

    @Test("mosquitto accepts our CONNECT and we decode its CONNACK", arguments: MQTTProtocolVersion.allCases)
    func connect(_ version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let connAck = try await Connection.with(port: broker.port, version: version) { inbound, outbound in
            var properties = MQTTProperties()
            if version == .v5_0 {
                properties.sessionExpiryInterval = 0
                properties.receiveMaximum = 10
                properties.userProperties = [MQTTUserProperty(name: "hello", value: "world")]
            }
            try await outbound.write(
                .connect(
                    MQTTConnectPacket(
                        protocolVersion: version, keepAlive: 30, clientIdentifier: "codec-\(version.rawValue)",
                        properties: properties
                    )))
            let packet = try await Connection.next(&inbound)
            try await outbound.write(.disconnect(MQTTDisconnectPacket()))
            return packet
        }
        guard case .connAck(let ack) = connAck else {
            Issue.record("expected CONNACK, got \(connAck)")
            return
        }
        #expect(ack.reasonCode == .success)
        #expect(ack.sessionPresent == false)
    }

    @Test("a refused CONNECT maps to notAuthorized in both versions", arguments: MQTTProtocolVersion.allCases)
    func refused(_ version: MQTTProtocolVersion) async throws {
        var configuration = MosquittoBroker.Configuration()
        configuration.allowAnonymous = false
        let broker = try await MosquittoBroker.start(configuration)
        defer { broker.stop() }
        let connAck = try await Connection.with(port: broker.port, version: version) { inbound, outbound in
            try await outbound.write(
                .connect(MQTTConnectPacket(protocolVersion: version, clientIdentifier: "anonymous")))
            return try await Connection.next(&inbound)
        }
        guard case .connAck(let ack) = connAck else {
            Issue.record("expected CONNACK, got \(connAck)")
            return
        }
        // MQTT 5: reason code 0x87; MQTT 3.1.1: return code 5, mapped to the same reason code.
        #expect(ack.reasonCode == .notAuthorized)
    }

    @Test("a QoS 1 PUBLISH with properties survives a trip through mosquitto (MQTT 5)")
    func publishSubscribeV5() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        var properties = MQTTProperties()
        properties.payloadFormatIndicator = .utf8
        properties.messageExpiryInterval = 120
        properties.contentType = "application/json"
        properties.responseTopic = "codec/replies/1"
        properties.correlationData = ByteBuffer(bytes: [0xDE, 0xAD, 0xBE, 0xEF, 0x00])
        properties.userProperties = [
            MQTTUserProperty(name: "trace", value: "1"),
            MQTTUserProperty(name: "trace", value: "2"),
            MQTTUserProperty(name: "ünï", value: "cødé"),
        ]
        let payload = ByteBuffer(string: "{\"temperature\": 21.5}")
        let sent = MQTTPublishPacket(
            topic: "codec/test/1", payload: payload, qos: .atLeastOnce, packetIdentifier: 7, properties: properties)

        let (subAck, pubAck, received) = try await Connection.with(port: broker.port, version: .v5_0) {
            inbound, outbound in
            try await outbound.write(.connect(MQTTConnectPacket(clientIdentifier: "codec-rt-5")))
            guard case .connAck(let connAck) = try await Connection.next(&inbound), connAck.reasonCode == .success
            else {
                throw Connection.Closed()
            }
            var subscribeProperties = MQTTProperties()
            subscribeProperties.subscriptionIdentifiers = [42]
            try await outbound.write(
                .subscribe(
                    MQTTSubscribePacket(
                        packetIdentifier: 1,
                        subscriptions: [MQTTSubscription(topicFilter: "codec/test/+", qos: .atLeastOnce)],
                        properties: subscribeProperties
                    )))
            let subAck = try await Connection.next(&inbound)
            try await outbound.write(.publish(sent))
            var pubAck: MQTTPacket?
            var received: MQTTPublishPacket?
            while pubAck == nil || received == nil {
                switch try await Connection.next(&inbound) {
                case .pubAck(let ack): pubAck = .pubAck(ack)
                case .publish(let publish):
                    received = publish
                    if let id = publish.packetIdentifier {
                        try await outbound.write(.pubAck(MQTTPubAckPacket(packetIdentifier: id)))
                    }
                case let other: Issue.record("unexpected \(other)")
                }
            }
            try await outbound.write(.disconnect(MQTTDisconnectPacket()))
            return (subAck, pubAck, received)
        }
        #expect(subAck == .subAck(MQTTSubAckPacket(packetIdentifier: 1, reasonCodes: [.grantedQoS1])))
        #expect(pubAck == .pubAck(MQTTPubAckPacket(packetIdentifier: 7)))
        let message = try #require(received)
        #expect(message.topic == sent.topic)
        #expect(message.payload == payload)
        #expect(message.qos == .atLeastOnce)
        #expect(message.properties.payloadFormatIndicator == .utf8)
        #expect(message.properties.contentType == "application/json")
        #expect(message.properties.responseTopic == "codec/replies/1")
        #expect(message.properties.correlationData == properties.correlationData)
        #expect(message.properties.userProperties == properties.userProperties)
        #expect(message.properties.subscriptionIdentifiers == [42])
        // The broker forwards the remaining expiry interval.
        #expect((message.properties.messageExpiryInterval ?? 0) <= 120)
        #expect((message.properties.messageExpiryInterval ?? 0) > 100)
    }

    @Test("a QoS 1 PUBLISH makes a trip through mosquitto (MQTT 3.1.1)")
    func publishSubscribeV311() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let payload = ByteBuffer(repeating: 0x5A, count: 1_000)
        let (subAck, pubAck, received) = try await Connection.with(port: broker.port, version: .v3_1_1) {
            inbound, outbound in
            try await outbound.write(
                .connect(MQTTConnectPacket(protocolVersion: .v3_1_1, clientIdentifier: "codec-rt-4")))
            guard case .connAck(let connAck) = try await Connection.next(&inbound), connAck.reasonCode == .success
            else {
                throw Connection.Closed()
            }
            try await outbound.write(
                .subscribe(
                    MQTTSubscribePacket(
                        packetIdentifier: 1,
                        subscriptions: [
                            MQTTSubscription(topicFilter: "codec/#", qos: .atLeastOnce),
                            MQTTSubscription(topicFilter: "other", qos: .exactlyOnce),
                        ]
                    )))
            let subAck = try await Connection.next(&inbound)
            try await outbound.write(
                .publish(MQTTPublishPacket(topic: "codec/v4", payload: payload, qos: .atLeastOnce, packetIdentifier: 9))
            )
            var pubAck: MQTTPacket?
            var received: MQTTPublishPacket?
            while pubAck == nil || received == nil {
                switch try await Connection.next(&inbound) {
                case .pubAck(let ack): pubAck = .pubAck(ack)
                case .publish(let publish):
                    received = publish
                    if let id = publish.packetIdentifier {
                        try await outbound.write(.pubAck(MQTTPubAckPacket(packetIdentifier: id)))
                    }
                case let other: Issue.record("unexpected \(other)")
                }
            }
            try await outbound.write(.disconnect(MQTTDisconnectPacket()))
            return (subAck, pubAck, received)
        }
        #expect(subAck == .subAck(MQTTSubAckPacket(packetIdentifier: 1, reasonCodes: [.grantedQoS1, .grantedQoS2])))
        #expect(pubAck == .pubAck(MQTTPubAckPacket(packetIdentifier: 9)))
        let message = try #require(received)
        #expect(message.topic == "codec/v4")
        #expect(message.payload == payload)
        #expect(message.qos == .atLeastOnce)
    }
}
