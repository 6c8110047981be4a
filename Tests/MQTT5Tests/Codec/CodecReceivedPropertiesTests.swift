import NIOCore
import PropertyBased
import Testing
@testable import MQTT5

/// Decoded properties are held as the received list and decoded on access; these tests check
/// that every way of reading, changing, comparing and encoding them sees the same properties as
/// properties built field by field.
@Suite("Codec properties held as received")
struct CodecReceivedPropertiesTests {
    /// A PUBLISH carrying every property a PUBLISH may carry, several user properties and
    /// subscription identifiers among them.
    static var fullPublish: MQTTPublishPacket {
        var properties = MQTTProperties()
        properties.payloadFormatIndicator = .utf8
        properties.messageExpiryInterval = 3_600
        properties.contentType = "application/json; charset=utf-8"
        properties.responseTopic = "things/device-1/shadow/get/accepted"
        properties.correlationData = ByteBuffer(bytes: Array(0..<16))
        properties.subscriptionIdentifiers = [7, 268_435_455]
        properties.topicAlias = 3
        properties.userProperties = [
            MQTTUserProperty(name: "trace-id", value: "4bf92f3577b34da6"),
            MQTTUserProperty(name: "tenant", value: "ächme"),
            MQTTUserProperty(name: "tenant", value: ""),
        ]
        return MQTTPublishPacket(
            topic: "things/device-1/shadow/update", payload: ByteBuffer(string: "{}"), qos: .atLeastOnce,
            packetIdentifier: 9, properties: properties)
    }

    static func received(_ packet: MQTTPublishPacket) throws -> MQTTPublishPacket {
        let bytes = try CodecTestSupport.encode(.publish(packet), .v5_0)
        guard case .publish(let decoded) = try CodecTestSupport.decodeOne(bytes, .v5_0) else {
            Issue.record("not decoded as a PUBLISH")
            return packet
        }
        return decoded
    }

    @Test("every accessor of a received list reads what was sent")
    func accessors() throws {
        let sent = Self.fullPublish.properties
        let received = try Self.received(Self.fullPublish).properties
        #expect(received.storage.received != nil, "decoded properties are not held as received")
        #expect(received.payloadFormatIndicator == sent.payloadFormatIndicator)
        #expect(received.messageExpiryInterval == sent.messageExpiryInterval)
        #expect(received.contentType == sent.contentType)
        #expect(received.responseTopic == sent.responseTopic)
        #expect(received.correlationData == sent.correlationData)
        #expect(received.subscriptionIdentifiers == sent.subscriptionIdentifiers)
        #expect(received.topicAlias == sent.topicAlias)
        #expect(received.userProperties == sent.userProperties)
        #expect(received.reasonString == nil)
        #expect(received.sessionExpiryInterval == nil)
        #expect(!received.isEmpty)
        #expect(received == sent)
        #expect(received.hashValue == sent.hashValue)
        #expect("\(received)" == "\(sent)")
    }

    @Test("a change decodes the list once, keeps every other property, and leaves copies as they were")
    func changes() throws {
        let received = try Self.received(Self.fullPublish).properties
        var changed = received
        changed.topicAlias = nil
        changed.userProperties.append(MQTTUserProperty(name: "added", value: "1"))
        #expect(changed.topicAlias == nil)
        #expect(changed.userProperties.count == 4)
        #expect(changed.responseTopic == Self.fullPublish.properties.responseTopic)
        #expect(changed.correlationData == Self.fullPublish.properties.correlationData)
        #expect(changed.subscriptionIdentifiers == [7, 268_435_455])
        // The original is untouched and still held as received.
        #expect(received == Self.fullPublish.properties)
        #expect(received.storage.received != nil, "the copy that was not changed was decoded")
        // Setting an absent property to nil changes nothing.
        var unchanged = received
        unchanged.reasonString = nil
        unchanged.subscriptionIdentifiers = [7, 268_435_455]
        #expect(unchanged == received)
    }

    @Test("encoded again for its packet type, a received list keeps its bytes, in the order received")
    func reencodingKeepsBytes() throws {
        // User property before content type: not the order this encoder writes.
        let properties: [UInt8] = [
            0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76,  // User Property k=v
            0x03, 0x00, 0x01, 0x74,  // Content Type "t"
        ]
        var frame: [UInt8] = [0x30, UInt8(3 + 1 + properties.count + 2), 0x00, 0x01, 0x61]
        frame.append(UInt8(properties.count))
        frame += properties
        frame += [0x68, 0x69]  // payload "hi"
        guard case .publish(let decoded) = try CodecTestSupport.decodeOne(frame, .v5_0) else {
            Issue.record("not decoded as a PUBLISH")
            return
        }
        #expect(decoded.properties.contentType == "t")
        #expect(decoded.properties.userProperties == [MQTTUserProperty(name: "k", value: "v")])
        #expect(try CodecTestSupport.encode(.publish(decoded), .v5_0) == frame)
    }

    @Test("encoded for another packet type, a received list is checked against that type")
    func otherPacketTypeIsChecked() throws {
        let received = try Self.received(Self.fullPublish).properties
        // PUBACK may carry only a reason string and user properties.
        let pubAck = MQTTPacket.pubAck(
            MQTTPubAckPacket(packetIdentifier: 1, reasonCode: .success, properties: received))
        let error = CodecTestSupport.encodeError(pubAck, .v5_0)
        #expect(error?.reasonCode == .protocolError)
        // A will may carry what a PUBLISH carries but the topic alias and subscription identifiers.
        var allowed = MQTTProperties()
        allowed.contentType = "text/plain"
        allowed.userProperties = [MQTTUserProperty(name: "a", value: "b")]
        let publish = MQTTPublishPacket(
            topic: "t", payload: ByteBuffer(), qos: .atMostOnce, properties: allowed)
        let ack = try Self.received(publish).properties
        let reused = MQTTPacket.pubAck(MQTTPubAckPacket(packetIdentifier: 1, reasonCode: .success, properties: ack))
        #expect(CodecTestSupport.encodeError(reused, .v5_0)?.reasonCode == .protocolError)  // content type
        var onlyUser = MQTTProperties()
        onlyUser.userProperties = [MQTTUserProperty(name: "a", value: "b")]
        let userOnly = try Self.received(
            MQTTPublishPacket(topic: "t", payload: ByteBuffer(), qos: .atMostOnce, properties: onlyUser)
        ).properties
        let forwarded = MQTTPacket.pubAck(
            MQTTPubAckPacket(packetIdentifier: 1, reasonCode: .success, properties: userOnly))
        let bytes = try CodecTestSupport.encode(forwarded, .v5_0)
        guard case .pubAck(let decodedAck) = try CodecTestSupport.decodeOne(bytes, .v5_0) else {
            Issue.record("not decoded as a PUBACK")
            return
        }
        #expect(decodedAck.properties.userProperties == onlyUser.userProperties)
    }

    /// The properties of `packet` (a CONNECT's own, not its will's), if its type has any.
    static func properties(of packet: MQTTPacket) -> MQTTProperties? {
        switch packet {
        case .connect(let packet): packet.properties
        case .connAck(let packet): packet.properties
        case .publish(let packet): packet.properties
        case .pubAck(let packet): packet.properties
        case .pubRec(let packet): packet.properties
        case .pubRel(let packet): packet.properties
        case .pubComp(let packet): packet.properties
        case .subscribe(let packet): packet.properties
        case .subAck(let packet): packet.properties
        case .unsubscribe(let packet): packet.properties
        case .unsubAck(let packet): packet.properties
        case .disconnect(let packet): packet.properties
        case .auth(let packet): packet.properties
        case .pingReq, .pingResp: nil
        }
    }

    @Test("random packets: a received list reads, compares and re-encodes as the properties sent")
    func randomPackets() async {
        await propertyCheck(count: 500, input: CodecRoundTripTests.packets(.v5_0)) { packet in
            let bytes = try CodecTestSupport.encode(packet, .v5_0)
            guard let decoded = try CodecTestSupport.decodeOne(bytes, .v5_0),
                let sent = Self.properties(of: packet), let received = Self.properties(of: decoded)
            else { return }
            #expect(received == sent)
            #expect(received.userProperties == sent.userProperties)
            #expect(received.subscriptionIdentifiers == sent.subscriptionIdentifiers)
            #expect(received.reasonString == sent.reasonString)
            #expect(received.correlationData == sent.correlationData)
            #expect(received.responseTopic == sent.responseTopic)
            #expect(received.sessionExpiryInterval == sent.sessionExpiryInterval)
            #expect(received.authenticationMethod == sent.authenticationMethod)
            #expect(received.maximumPacketSize == sent.maximumPacketSize)
            var changed = received
            changed.userProperties.append(MQTTUserProperty(name: "x", value: "y"))
            var expected = sent
            expected.userProperties.append(MQTTUserProperty(name: "x", value: "y"))
            #expect(changed == expected)
        }
    }
}
