import NIOCore
import Testing
@testable import MQTT5

/// A packet the encoder must refuse, and the reason code of the refusal.
struct InvalidPacketCase: Sendable, CustomTestStringConvertible {
    var name: String
    var version: MQTTProtocolVersion = .v5_0
    var packet: MQTTPacket
    var reasonCode: MQTTDisconnectReasonCode = .protocolError

    var testDescription: String { name }
}

@Suite("Codec encoder validation")
struct CodecEncodingValidationTests {
    static func properties(_ edit: (inout MQTTProperties) -> Void) -> MQTTProperties {
        var properties = MQTTProperties()
        edit(&properties)
        return properties
    }

    static func publish(
        topic: String = "t", qos: MQTTQoS = .atMostOnce, dup: Bool = false, id: UInt16? = nil,
        properties: MQTTProperties = MQTTProperties()
    ) -> MQTTPacket {
        .publish(
            MQTTPublishPacket(
                topic: topic, payload: ByteBuffer(), qos: qos, dup: dup, packetIdentifier: id, properties: properties))
    }

    static let cases: [InvalidPacketCase] = [
        InvalidPacketCase(name: "PUBLISH DUP with QoS 0", packet: publish(dup: true)),
        InvalidPacketCase(name: "PUBLISH QoS 1 without packet identifier", packet: publish(qos: .atLeastOnce)),
        InvalidPacketCase(name: "PUBLISH QoS 2 with packet identifier 0", packet: publish(qos: .exactlyOnce, id: 0)),
        InvalidPacketCase(name: "PUBLISH topic with wildcard", packet: publish(topic: "a/+")),
        InvalidPacketCase(name: "PUBLISH topic with U+0000", packet: publish(topic: "a\u{0}b")),
        InvalidPacketCase(name: "PUBLISH empty topic without alias", packet: publish(topic: "")),
        InvalidPacketCase(
            name: "3.1.1 PUBLISH empty topic even with alias", version: .v3_1_1,
            packet: publish(topic: "", properties: properties { $0.topicAlias = 1 })
        ),
        InvalidPacketCase(name: "PUBLISH topic alias 0", packet: publish(properties: properties { $0.topicAlias = 0 })),
        InvalidPacketCase(
            name: "PUBLISH subscription identifier 0",
            packet: publish(properties: properties { $0.subscriptionIdentifiers = [0] })),
        InvalidPacketCase(
            name: "PUBLISH subscription identifier too large",
            packet: publish(properties: properties { $0.subscriptionIdentifiers = [268_435_456] })
        ),
        InvalidPacketCase(
            name: "PUBLISH with Session Expiry Interval",
            packet: publish(properties: properties { $0.sessionExpiryInterval = 1 })),
        InvalidPacketCase(
            name: "PUBLISH response topic with wildcard",
            packet: publish(properties: properties { $0.responseTopic = "r/#" })),
        InvalidPacketCase(
            name: "PUBLISH content type with U+0000",
            packet: publish(properties: properties { $0.contentType = "\u{0}" })),
        InvalidPacketCase(
            name: "PUBLISH correlation data over 65,535 bytes",
            packet: publish(properties: properties { $0.correlationData = ByteBuffer(repeating: 1, count: 65_536) })
        ),
        InvalidPacketCase(
            name: "PUBLISH user property over 65,535 bytes",
            packet: publish(
                properties: properties {
                    $0.userProperties = [MQTTUserProperty(name: String(repeating: "a", count: 65_536), value: "")]
                })
        ),
        InvalidPacketCase(
            name: "CONNECT with Topic Alias",
            packet: .connect(MQTTConnectPacket(clientIdentifier: "c", properties: properties { $0.topicAlias = 1 }))
        ),
        InvalidPacketCase(
            name: "CONNECT receive maximum 0",
            packet: .connect(MQTTConnectPacket(clientIdentifier: "c", properties: properties { $0.receiveMaximum = 0 }))
        ),
        InvalidPacketCase(
            name: "CONNECT maximum packet size 0",
            packet: .connect(
                MQTTConnectPacket(clientIdentifier: "c", properties: properties { $0.maximumPacketSize = 0 }))
        ),
        InvalidPacketCase(
            name: "CONNECT authentication data without method",
            packet: .connect(
                MQTTConnectPacket(
                    clientIdentifier: "c", properties: properties { $0.authenticationData = ByteBuffer() }))
        ),
        InvalidPacketCase(
            name: "CONNECT will with Topic Alias",
            packet: .connect(
                MQTTConnectPacket(
                    clientIdentifier: "c",
                    will: MQTTWill(topic: "w", payload: ByteBuffer(), properties: properties { $0.topicAlias = 1 })
                ))
        ),
        InvalidPacketCase(
            name: "CONNECT will topic with wildcard",
            packet: .connect(
                MQTTConnectPacket(clientIdentifier: "c", will: MQTTWill(topic: "w/#", payload: ByteBuffer())))
        ),
        InvalidPacketCase(
            name: "3.1.1 CONNECT password without user name", version: .v3_1_1,
            packet: .connect(
                MQTTConnectPacket(protocolVersion: .v3_1_1, clientIdentifier: "c", password: ByteBuffer(string: "p")))
        ),
        InvalidPacketCase(
            name: "CONNACK maximum QoS 2",
            packet: .connAck(MQTTConnAckPacket(properties: properties { $0.maximumQoS = .exactlyOnce }))
        ),
        InvalidPacketCase(
            name: "CONNACK session present with error",
            packet: .connAck(MQTTConnAckPacket(sessionPresent: true, reasonCode: .banned))),
        InvalidPacketCase(name: "PUBACK packet identifier 0", packet: .pubAck(MQTTPubAckPacket(packetIdentifier: 0))),
        InvalidPacketCase(
            name: "3.1.1 PUBREL packet identifier 0", version: .v3_1_1,
            packet: .pubRel(MQTTPubRelPacket(packetIdentifier: 0))),
        InvalidPacketCase(
            name: "PUBACK with Content Type",
            packet: .pubAck(MQTTPubAckPacket(packetIdentifier: 1, properties: properties { $0.contentType = "x" }))
        ),
        InvalidPacketCase(
            name: "SUBSCRIBE without subscriptions",
            packet: .subscribe(MQTTSubscribePacket(packetIdentifier: 1, subscriptions: []))),
        InvalidPacketCase(
            name: "SUBSCRIBE invalid filter",
            packet: .subscribe(
                MQTTSubscribePacket(packetIdentifier: 1, subscriptions: [MQTTSubscription(topicFilter: "a/#/b")]))
        ),
        InvalidPacketCase(
            name: "SUBSCRIBE No Local on shared subscription",
            packet: .subscribe(
                MQTTSubscribePacket(
                    packetIdentifier: 1, subscriptions: [MQTTSubscription(topicFilter: "$share/g/a", noLocal: true)]))
        ),
        InvalidPacketCase(
            name: "SUBSCRIBE two subscription identifiers",
            packet: .subscribe(
                MQTTSubscribePacket(
                    packetIdentifier: 1, subscriptions: [MQTTSubscription(topicFilter: "a")],
                    properties: properties { $0.subscriptionIdentifiers = [1, 2] }
                ))
        ),
        InvalidPacketCase(
            name: "SUBACK without reason codes", packet: .subAck(MQTTSubAckPacket(packetIdentifier: 1, reasonCodes: []))
        ),
        InvalidPacketCase(
            name: "UNSUBSCRIBE without filters",
            packet: .unsubscribe(MQTTUnsubscribePacket(packetIdentifier: 1, topicFilters: []))),
        InvalidPacketCase(
            name: "UNSUBSCRIBE empty filter",
            packet: .unsubscribe(MQTTUnsubscribePacket(packetIdentifier: 1, topicFilters: [""]))),
        InvalidPacketCase(
            name: "MQTT 5 UNSUBACK without reason codes", packet: .unsubAck(MQTTUnsubAckPacket(packetIdentifier: 1))),
        InvalidPacketCase(
            name: "DISCONNECT with Topic Alias Maximum",
            packet: .disconnect(MQTTDisconnectPacket(properties: properties { $0.topicAliasMaximum = 1 }))
        ),
        InvalidPacketCase(name: "AUTH in MQTT 3.1.1", version: .v3_1_1, packet: .auth(MQTTAuthPacket())),
    ]

    @Test("refuses packets the spec forbids a sender to send", arguments: cases)
    func refuses(_ testCase: InvalidPacketCase) throws {
        let error = try #require(CodecTestSupport.encodeError(testCase.packet, testCase.version))
        #expect(error.reasonCode == testCase.reasonCode, "\(error)")
    }

    @Test("refuses a frame larger than the maximum packet size and writes nothing")
    func maximumPacketSize() throws {
        let packet = Self.publish()  // 30 04 00 01 74 00: 6 bytes
        #expect(CodecTestSupport.encodeError(packet, .v5_0, maximumPacketSize: 5)?.reasonCode == .packetTooLarge)
        #expect(CodecTestSupport.encodeError(packet, .v5_0, maximumPacketSize: 6) == nil)
    }

    @Test("a remaining length beyond 268,435,455 bytes cannot be framed")
    func remainingLengthLimit() throws {
        var buffer = ByteBuffer()
        #expect(throws: MQTTCodecError.self) {
            try MQTTFixedHeader.write(
                into: &buffer, type: .publish, flags: 0, remainingLength: 268_435_456, maximumPacketSize: .max
            )
        }
        #expect(buffer.readableBytes == 0)
    }

    @Test("a QoS 0 PUBLISH ignores a packet identifier")
    func qos0IgnoresIdentifier() throws {
        let withIdentifier = Self.publish(id: 7)
        #expect(try CodecTestSupport.encode(withIdentifier, .v5_0) == [0x30, 0x04, 0x00, 0x01, 0x74, 0x00])
    }
}
