import NIOCore
import Testing
@testable import MQTT5

/// A byte sequence that must be rejected with a given reason code.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var version: MQTTProtocolVersion = .v5_0
    var bytes: [UInt8]
    var reasonCode: MQTTDisconnectReasonCode
    var maximumPacketSize: UInt32 = MQTTFrameDecoder.maximumPossiblePacketSize

    var testDescription: String { name }
}

@Suite("Codec malformed input")
struct CodecMalformedInputTests {
    typealias S = CodecTestSupport
    static let malformed = MQTTDisconnectReasonCode.malformedPacket
    static let protocolError = MQTTDisconnectReasonCode.protocolError

    static let cases: [MalformedCase] = fixedHeaderCases + stringCases + propertyCases + packetCases

    // MARK: Fixed header and lengths

    static let fixedHeaderCases: [MalformedCase] = [
        MalformedCase(name: "reserved packet type 0", bytes: [0x00, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "AUTH in MQTT 3.1.1 (reserved type 15)", version: .v3_1_1, bytes: [0xF0, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "remaining length of 5 bytes", bytes: [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], reasonCode: malformed),
        MalformedCase(
            name: "remaining length with 4 continuation bytes", bytes: [0x30, 0x80, 0x80, 0x80, 0x80],
            reasonCode: malformed),
        MalformedCase(
            name: "non-minimal remaining length 0x80 0x00", bytes: [0xC0, 0x80, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "non-minimal remaining length 0xFF 0x80 0x00", bytes: [0x30, 0xFF, 0x80, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "SUBSCRIBE flags 0b0000", bytes: [0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, 0x61],
            reasonCode: malformed),
        MalformedCase(
            name: "UNSUBSCRIBE flags 0b0011", bytes: [0xA3, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01], reasonCode: malformed),
        MalformedCase(name: "PUBREL flags 0b0000", bytes: [0x60, 0x02, 0x00, 0x01], reasonCode: malformed),
        MalformedCase(name: "PUBACK flags 0b0010", bytes: [0x42, 0x02, 0x00, 0x01], reasonCode: malformed),
        MalformedCase(name: "CONNECT flags 0b0001", bytes: [0x11, 0x00], reasonCode: malformed),
        MalformedCase(name: "PINGREQ flags 0b1000", bytes: [0xC8, 0x00], reasonCode: malformed),
        MalformedCase(name: "PUBLISH QoS 3", bytes: [0x36, 0x05, 0x00, 0x01, 0x74, 0x00, 0x01], reasonCode: malformed),
        MalformedCase(
            name: "PUBLISH DUP with QoS 0", bytes: [0x38, 0x04, 0x00, 0x01, 0x74, 0x00], reasonCode: malformed),
        MalformedCase(name: "PINGREQ with a body", bytes: [0xC0, 0x01, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "3.1.1 PUBACK with an extra byte", version: .v3_1_1, bytes: [0x40, 0x03, 0x00, 0x01, 0x00],
            reasonCode: malformed),
        MalformedCase(
            name: "3.1.1 DISCONNECT with a body", version: .v3_1_1, bytes: [0xE0, 0x01, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "3.1.1 UNSUBACK with a reason code", version: .v3_1_1, bytes: [0xB0, 0x03, 0x00, 0x01, 0x00],
            reasonCode: malformed),
        MalformedCase(
            name: "PUBACK shorter than a packet identifier", bytes: [0x40, 0x01, 0x00], reasonCode: malformed),
        MalformedCase(name: "CONNACK without property length", bytes: [0x20, 0x02, 0x00, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "AUTH with reason code but no property length", bytes: [0xF0, 0x01, 0x18], reasonCode: malformed),
        MalformedCase(
            name: "packet too large (header only buffered)",
            bytes: [0x30, 0x64], reasonCode: .packetTooLarge, maximumPacketSize: 50
        ),
        MalformedCase(
            name: "packet too large by one byte",
            bytes: [0xC0, 0x00 + 9] + [UInt8](repeating: 0, count: 9), reasonCode: .packetTooLarge,
            maximumPacketSize: 10
        ),
        MalformedCase(
            name: "maximal remaining length against the default limit of a smaller decoder",
            bytes: [0x30, 0xFF, 0xFF, 0xFF, 0x7F], reasonCode: .packetTooLarge, maximumPacketSize: 1_000_000
        ),
    ]

    // MARK: UTF-8 strings

    static let stringCases: [MalformedCase] = [
        MalformedCase(
            name: "topic with invalid UTF-8 (C3 28)", bytes: S.publishFrame(rawTopic: [0x61, 0xC3, 0x28]),
            reasonCode: malformed),
        MalformedCase(
            name: "topic with overlong '/' (C0 AF)", bytes: S.publishFrame(rawTopic: [0xC0, 0xAF]),
            reasonCode: malformed),
        MalformedCase(
            name: "topic with a surrogate (ED A0 80)", bytes: S.publishFrame(rawTopic: [0x61, 0xED, 0xA0, 0x80]),
            reasonCode: malformed),
        MalformedCase(
            name: "topic above U+10FFFF (F4 90 80 80)", bytes: S.publishFrame(rawTopic: [0xF4, 0x90, 0x80, 0x80]),
            reasonCode: malformed),
        MalformedCase(
            name: "topic with a lone continuation byte", bytes: S.publishFrame(rawTopic: [0x80]), reasonCode: malformed),
        MalformedCase(
            name: "topic with a truncated sequence", bytes: S.publishFrame(rawTopic: [0x61, 0xE2, 0x82]),
            reasonCode: malformed),
        MalformedCase(
            name: "topic with U+0000", bytes: S.publishFrame(rawTopic: [0x61, 0x00, 0x62]), reasonCode: malformed),
        MalformedCase(
            name: "topic with '+'", bytes: S.publishFrame(rawTopic: [0x61, 0x2F, 0x2B]), reasonCode: protocolError),
        MalformedCase(name: "topic with '#'", bytes: S.publishFrame(rawTopic: [0x23]), reasonCode: protocolError),
        MalformedCase(
            name: "empty topic without topic alias", bytes: [0x30, 0x03, 0x00, 0x00, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "3.1.1 empty topic", version: .v3_1_1, bytes: [0x30, 0x02, 0x00, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "string length beyond the packet", bytes: [0x30, 0x04, 0x00, 0x09, 0x61, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "user property value with a surrogate",
            bytes: S.connAckFrame(rawProperties: [0x26, 0x00, 0x01, 0x61, 0x00, 0x03, 0xED, 0xBF, 0xBF]),
            reasonCode: malformed
        ),
        MalformedCase(
            name: "client identifier with U+0000",
            bytes: [
                0x10, 0x0F, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x61, 0x00,
            ],
            reasonCode: malformed
        ),
    ]

    // MARK: Properties

    static let propertyCases: [MalformedCase] = [
        MalformedCase(
            name: "duplicate Content Type", bytes: S.publishFrame(rawProperties: [0x03, 0x00, 0x00, 0x03, 0x00, 0x00]),
            reasonCode: protocolError),
        MalformedCase(
            name: "duplicate Topic Alias", bytes: S.publishFrame(rawProperties: [0x23, 0x00, 0x01, 0x23, 0x00, 0x02]),
            reasonCode: protocolError),
        MalformedCase(
            name: "duplicate Maximum QoS", bytes: S.connAckFrame(rawProperties: [0x24, 0x00, 0x24, 0x00]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Topic Alias in CONNACK", bytes: S.connAckFrame(rawProperties: [0x23, 0x00, 0x01]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Session Expiry Interval in PUBLISH",
            bytes: S.publishFrame(rawProperties: [0x11, 0x00, 0x00, 0x00, 0x01]), reasonCode: protocolError),
        MalformedCase(
            name: "Will Delay Interval in PUBLISH",
            bytes: S.publishFrame(rawProperties: [0x18, 0x00, 0x00, 0x00, 0x01]), reasonCode: protocolError),
        MalformedCase(
            name: "Reason String in PUBLISH", bytes: S.publishFrame(rawProperties: [0x1F, 0x00, 0x00]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Reason String in SUBSCRIBE",
            bytes: [0x82, 0x0A, 0x00, 0x01, 0x03, 0x1F, 0x00, 0x00, 0x00, 0x01, 0x61, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "unknown property identifier 0x7F", bytes: S.publishFrame(rawProperties: [0x7F, 0x00]),
            reasonCode: malformed),
        MalformedCase(
            name: "unknown property identifier 0x04", bytes: S.publishFrame(rawProperties: [0x04, 0x00]),
            reasonCode: malformed),
        MalformedCase(
            name: "property length beyond the remaining length", bytes: [0x30, 0x04, 0x00, 0x01, 0x74, 0x05],
            reasonCode: malformed),
        MalformedCase(
            name: "property length with 5-byte VBI",
            bytes: [0x30, 0x08, 0x00, 0x01, 0x74, 0x80, 0x80, 0x80, 0x80, 0x01], reasonCode: malformed),
        MalformedCase(
            name: "property value truncated", bytes: S.publishFrame(rawProperties: [0x02, 0x00, 0x00]),
            reasonCode: malformed),
        MalformedCase(
            name: "Receive Maximum 0", bytes: S.connAckFrame(rawProperties: [0x21, 0x00, 0x00]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Maximum Packet Size 0", bytes: S.connAckFrame(rawProperties: [0x27, 0x00, 0x00, 0x00, 0x00]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Payload Format Indicator 2", bytes: S.publishFrame(rawProperties: [0x01, 0x02]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Maximum QoS 2", bytes: S.connAckFrame(rawProperties: [0x24, 0x02]), reasonCode: protocolError),
        MalformedCase(
            name: "Retain Available 2", bytes: S.connAckFrame(rawProperties: [0x25, 0x02]), reasonCode: protocolError),
        MalformedCase(
            name: "Shared Subscription Available 255", bytes: S.connAckFrame(rawProperties: [0x2A, 0xFF]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Topic Alias 0", bytes: S.publishFrame(rawProperties: [0x23, 0x00, 0x00]), reasonCode: protocolError),
        MalformedCase(
            name: "Subscription Identifier 0", bytes: S.publishFrame(rawProperties: [0x0B, 0x00]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Subscription Identifier non-minimal VBI", bytes: S.publishFrame(rawProperties: [0x0B, 0x81, 0x00]),
            reasonCode: malformed),
        MalformedCase(
            name: "two Subscription Identifiers in SUBSCRIBE",
            bytes: [0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, 0x61, 0x00],
            reasonCode: protocolError
        ),
        MalformedCase(
            name: "Authentication Data without Method", bytes: S.connAckFrame(rawProperties: [0x16, 0x00, 0x01, 0x01]),
            reasonCode: protocolError),
        MalformedCase(
            name: "Response Topic with wildcard", bytes: S.publishFrame(rawProperties: [0x08, 0x00, 0x01, 0x23]),
            reasonCode: protocolError),
        MalformedCase(
            name: "empty Response Topic", bytes: S.publishFrame(rawProperties: [0x08, 0x00, 0x00]),
            reasonCode: protocolError),
    ]

    // MARK: Packet-specific rules

    static let packetCases: [MalformedCase] = [
        MalformedCase(name: "PUBACK packet identifier 0", bytes: [0x40, 0x02, 0x00, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "PUBLISH QoS 1 packet identifier 0", bytes: [0x32, 0x06, 0x00, 0x01, 0x74, 0x00, 0x00, 0x00],
            reasonCode: protocolError),
        MalformedCase(
            name: "SUBSCRIBE packet identifier 0", version: .v3_1_1,
            bytes: [0x82, 0x06, 0x00, 0x00, 0x00, 0x01, 0x61, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "SUBSCRIBE without subscriptions", bytes: [0x82, 0x03, 0x00, 0x01, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "3.1.1 SUBSCRIBE without subscriptions", version: .v3_1_1, bytes: [0x82, 0x02, 0x00, 0x01],
            reasonCode: protocolError),
        MalformedCase(
            name: "UNSUBSCRIBE without topic filters", bytes: [0xA2, 0x03, 0x00, 0x01, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "SUBSCRIBE options reserved bit 6", bytes: [0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x61, 0x40],
            reasonCode: malformed),
        MalformedCase(
            name: "SUBSCRIBE options reserved bit 7", bytes: [0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x61, 0x80],
            reasonCode: malformed),
        MalformedCase(
            name: "SUBSCRIBE retain handling 3", bytes: [0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x61, 0x30],
            reasonCode: protocolError),
        MalformedCase(
            name: "SUBSCRIBE maximum QoS 3", bytes: [0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x61, 0x03],
            reasonCode: protocolError),
        MalformedCase(
            name: "SUBSCRIBE No Local on a shared subscription",
            bytes: [
                0x82, 0x10, 0x00, 0x01, 0x00, 0x00, 0x0A, 0x24, 0x73, 0x68, 0x61, 0x72, 0x65, 0x2F, 0x67, 0x2F, 0x78,
                0x04,
            ],
            reasonCode: protocolError
        ),
        MalformedCase(
            name: "3.1.1 SUBSCRIBE QoS byte 0x04", version: .v3_1_1,
            bytes: [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x04], reasonCode: malformed),
        MalformedCase(
            name: "3.1.1 SUBSCRIBE QoS 3", version: .v3_1_1, bytes: [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x03],
            reasonCode: malformed),
        MalformedCase(
            name: "SUBSCRIBE truncated options", bytes: [0x82, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, 0x61],
            reasonCode: malformed),
        MalformedCase(
            name: "SUBACK without reason codes", bytes: [0x90, 0x03, 0x00, 0x01, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "SUBACK unknown reason code 0x03", bytes: [0x90, 0x04, 0x00, 0x01, 0x00, 0x03],
            reasonCode: protocolError),
        MalformedCase(
            name: "3.1.1 SUBACK return code 0x87", version: .v3_1_1, bytes: [0x90, 0x03, 0x00, 0x01, 0x87],
            reasonCode: protocolError),
        MalformedCase(
            name: "UNSUBACK without reason codes", bytes: [0xB0, 0x03, 0x00, 0x01, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "PUBACK unknown reason code 0x05", bytes: [0x40, 0x03, 0x00, 0x01, 0x05], reasonCode: protocolError),
        MalformedCase(
            name: "PUBREL reason code 0x10 (PUBACK-only)", bytes: [0x62, 0x03, 0x00, 0x01, 0x10],
            reasonCode: protocolError),
        MalformedCase(
            name: "DISCONNECT unknown reason code 0x01", bytes: [0xE0, 0x01, 0x01], reasonCode: protocolError),
        MalformedCase(
            name: "AUTH unknown reason code 0x01", bytes: [0xF0, 0x02, 0x01, 0x00], reasonCode: protocolError),
        MalformedCase(name: "CONNACK reserved flag", bytes: [0x20, 0x03, 0x02, 0x00, 0x00], reasonCode: malformed),
        MalformedCase(
            name: "CONNACK session present with error", bytes: [0x20, 0x03, 0x01, 0x87, 0x00], reasonCode: protocolError
        ),
        MalformedCase(
            name: "CONNACK unknown reason code 0x01", bytes: [0x20, 0x03, 0x00, 0x01, 0x00], reasonCode: protocolError),
        MalformedCase(
            name: "3.1.1 CONNACK return code 6", version: .v3_1_1, bytes: [0x20, 0x02, 0x00, 0x06],
            reasonCode: protocolError),
        MalformedCase(
            name: "CONNECT reserved flag",
            bytes: [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0x61],
            reasonCode: malformed
        ),
        MalformedCase(
            name: "CONNECT will QoS 3",
            bytes: [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x1E, 0x00, 0x00, 0x00, 0x00, 0x01, 0x61],
            reasonCode: malformed
        ),
        MalformedCase(
            name: "CONNECT will QoS without will flag",
            bytes: [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x01, 0x61],
            reasonCode: malformed
        ),
        MalformedCase(
            name: "CONNECT will retain without will flag",
            bytes: [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x22, 0x00, 0x00, 0x00, 0x00, 0x01, 0x61],
            reasonCode: malformed
        ),
        MalformedCase(
            name: "3.1.1 CONNECT password without user name",
            version: .v3_1_1,
            bytes: [
                0x10, 0x10, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x42, 0x00, 0x00, 0x00, 0x01, 0x61, 0x00, 0x01,
                0x70,
            ],
            reasonCode: malformed
        ),
        MalformedCase(
            name: "CONNECT password flag but no password",
            bytes: [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x42, 0x00, 0x00, 0x00, 0x00, 0x01, 0x61],
            reasonCode: malformed
        ),
        MalformedCase(
            name: "CONNECT protocol name \"MQTX\"",
            bytes: [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x58, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x61],
            reasonCode: protocolError
        ),
        MalformedCase(
            name: "CONNECT will topic with wildcard",
            bytes: [
                0x10, 0x15, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x06, 0x00, 0x00, 0x00,
                0x00, 0x01, 0x61, 0x00, 0x00, 0x01, 0x23, 0x00, 0x01, 0x78,
            ],
            reasonCode: protocolError
        ),
    ]

    @Test("is rejected with the spec's reason code", arguments: cases)
    func rejects(_ testCase: MalformedCase) throws {
        let error = try #require(
            S.decodeError(testCase.bytes, testCase.version, maximumPacketSize: testCase.maximumPacketSize))
        #expect(error.reasonCode == testCase.reasonCode, "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test("an unsupported protocol level is reported for a CONNACK 0x84")
    func unsupportedProtocolLevel() throws {
        // "MQTT" level 3
        let bytes: [UInt8] = [0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x03, 0x02, 0x00, 0x00, 0x00, 0x01, 0x61]
        let error = try #require(S.decodeError(bytes, .v5_0))
        #expect(error.unsupportedProtocolLevel == 3)
        // "MQIsdp" is MQTT 3.1 only at level 3 (see CodecProtocol31Tests); level 4 is unsupported
        let mqisdp: [UInt8] = [
            0x10, 0x0F, 0x00, 0x06, 0x4D, 0x51, 0x49, 0x73, 0x64, 0x70, 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, 0x61,
        ]
        #expect(try #require(S.decodeError(mqisdp, .v5_0)).unsupportedProtocolLevel == 4)
    }

    @Test("the too-large check happens before the body arrives")
    func tooLargeBeforeBody() throws {
        // A PUBLISH announcing 268,435,455 bytes: only the 5-byte fixed header is present.
        var decoder = MQTTFrameDecoder(version: .v5_0, maximumPacketSize: 1024)
        var buffer = ByteBuffer(bytes: [0x30, 0xFF, 0xFF, 0xFF])
        #expect(try decoder.decode(&buffer) == nil, "the remaining length is not complete yet")
        buffer.writeInteger(UInt8(0x7F))
        #expect(throws: MQTTCodecError.self) { try decoder.decode(&buffer) }
        do {
            _ = try decoder.decode(&buffer)
        } catch {
            #expect(error.reasonCode == .packetTooLarge)
        }
    }

    @Test("a frame exactly at the maximum packet size is accepted")
    func exactlyAtLimit() throws {
        let frame: [UInt8] = [0x30, 0x08, 0x00, 0x01, 0x74, 0x00, 0x01, 0x02, 0x03, 0x04]
        #expect(try S.decodeOne(frame, .v5_0, maximumPacketSize: 10) != nil)
        #expect(S.decodeError(frame, .v5_0, maximumPacketSize: 9)?.reasonCode == .packetTooLarge)
    }

    @Test(
        "a shortened remaining length never traps and fails as malformed or protocol error",
        arguments: MQTTPacketVectors.all)
    func shortenedRemainingLength(_ vector: MQTTPacketVector) throws {
        // Re-frame the first `k` body bytes with remaining length `k`.
        var header = ByteBuffer(bytes: vector.bytes)
        header.moveReaderIndex(forwardBy: 1)
        let remaining = try header.readMQTTVariableByteInteger("test")
        let body = Array(header.readableBytesView)
        #expect(body.count == Int(remaining))
        for k in 0..<body.count {
            var frame = ByteBuffer(bytes: [vector.bytes[0]])
            frame.writeMQTTVariableByteInteger(k)
            frame.writeBytes(body[..<k])
            var decoder = MQTTFrameDecoder(version: vector.version)
            do {
                let packet = try decoder.decode(&frame)
                // Some prefixes are valid shorter packets (PUBLISH with a shorter payload, PUBACK short forms).
                #expect(packet != nil)
                #expect(frame.readableBytes == 0)
            } catch {
                #expect([.malformedPacket, .protocolError].contains(error.reasonCode), "k=\(k): \(error)")
            }
        }
    }

    @Test("two subscription identifiers and repeated user properties are allowed in PUBLISH")
    func repeatablePropertiesAllowed() throws {
        let frame = S.publishFrame(rawProperties: [
            0x0B, 0x01, 0x0B, 0x02,
            0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x31,
            0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x32,
            0x26, 0x00, 0x01, 0x62, 0x00, 0x00,
        ])
        guard case .publish(let publish) = try S.decodeOne(frame, .v5_0) else {
            Issue.record("expected PUBLISH")
            return
        }
        #expect(publish.properties.subscriptionIdentifiers == [1, 2])
        #expect(
            publish.properties.userProperties == [
                MQTTUserProperty(name: "a", value: "1"), MQTTUserProperty(name: "a", value: "2"),
                MQTTUserProperty(name: "b", value: ""),
            ])
    }

    @Test("valid multi-byte UTF-8 is accepted")
    func validUTF8() throws {
        let topic = "température/€/😀"
        guard case .publish(let publish) = try S.decodeOne(S.publishFrame(rawTopic: Array(topic.utf8)), .v5_0) else {
            Issue.record("expected PUBLISH")
            return
        }
        #expect(publish.topic == topic)
    }

    @Test("variable byte integers decode at their boundaries and reject bad forms")
    func variableByteIntegers() {
        let valid: [(UInt32, [UInt8])] = [
            (0, [0x00]), (127, [0x7F]), (128, [0x80, 0x01]), (16_383, [0xFF, 0x7F]), (16_384, [0x80, 0x80, 0x01]),
            (2_097_151, [0xFF, 0xFF, 0x7F]), (2_097_152, [0x80, 0x80, 0x80, 0x01]),
            (268_435_455, [0xFF, 0xFF, 0xFF, 0x7F]),
        ]
        for (value, bytes) in valid {
            #expect(MQTTVariableByteInteger.peek(ByteBuffer(bytes: bytes), at: 0) == .value(value, length: bytes.count))
            var buffer = ByteBuffer()
            buffer.writeMQTTVariableByteInteger(value)
            #expect(Array(buffer.readableBytesView) == bytes)
            #expect(MQTTVariableByteInteger.size(value) == bytes.count)
        }
        #expect(MQTTVariableByteInteger.peek(ByteBuffer(bytes: [0x80, 0x80]), at: 0) == .needMoreBytes)
        let invalid: [[UInt8]] = [
            [0x80, 0x00], [0x80, 0x80, 0x00], [0xFF, 0xFF, 0xFF, 0x80, 0x00], [0x80, 0x80, 0x80, 0x80, 0x01],
        ]
        for bytes in invalid {
            guard case .invalid = MQTTVariableByteInteger.peek(ByteBuffer(bytes: bytes), at: 0) else {
                Issue.record("\(bytes) accepted")
                continue
            }
        }
    }
}
