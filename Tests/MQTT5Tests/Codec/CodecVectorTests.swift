import NIOCore
import Testing
@testable import MQTT5

@Suite("Codec byte-exact vectors")
struct CodecVectorTests {
    @Test("encodes to the spec's bytes", arguments: MQTTPacketVectors.all)
    func encodes(_ vector: MQTTPacketVector) throws {
        #expect(try CodecTestSupport.encode(vector.packet, vector.version) == vector.bytes)
    }

    @Test("decodes the spec's bytes", arguments: MQTTPacketVectors.all)
    func decodes(_ vector: MQTTPacketVector) throws {
        #expect(try CodecTestSupport.decodeOne(vector.bytes, vector.version) == vector.packet)
    }

    @Test("every prefix of a frame waits for more bytes and consumes nothing", arguments: MQTTPacketVectors.all)
    func prefixesWait(_ vector: MQTTPacketVector) throws {
        var decoder = MQTTFrameDecoder(version: vector.version)
        for length in 0..<vector.bytes.count {
            var buffer = ByteBuffer(bytes: vector.bytes[..<length])
            #expect(try decoder.decode(&buffer) == nil, "prefix of \(length) bytes")
            #expect(buffer.readableBytes == length)
        }
    }

    @Test("a frame fed one byte at a time decodes once complete", arguments: MQTTPacketVectors.all)
    func byteByByte(_ vector: MQTTPacketVector) throws {
        var decoder = MQTTFrameDecoder(version: vector.version)
        var buffer = ByteBuffer()
        var decoded: [MQTTPacket] = []
        for byte in vector.bytes {
            buffer.writeInteger(byte)
            if let packet = try decoder.decode(&buffer) { decoded.append(packet) }
        }
        #expect(decoded == [vector.packet])
        #expect(buffer.readableBytes == 0)
    }

    @Test("3.1.1 CONNACK return codes map to MQTT 5 reason codes")
    func connAckReturnCodes() throws {
        let expected: [UInt8: MQTTConnectReasonCode] = [
            0: .success, 1: .unsupportedProtocolVersion, 2: .clientIdentifierNotValid,
            3: .serverUnavailable, 4: .badUserNameOrPassword, 5: .notAuthorized,
        ]
        for (code, reason) in expected {
            #expect(
                try CodecTestSupport.decodeOne([0x20, 0x02, 0x00, code], .v3_1_1)
                    == .connAck(MQTTConnAckPacket(reasonCode: reason)))
            #expect(
                try CodecTestSupport.encode(.connAck(MQTTConnAckPacket(reasonCode: reason)), .v3_1_1) == [
                    0x20, 0x02, 0x00, code,
                ])
        }
        // A code without a 3.1.1 equivalent becomes "server unavailable".
        #expect(
            try CodecTestSupport.encode(.connAck(MQTTConnAckPacket(reasonCode: .banned)), .v3_1_1) == [
                0x20, 0x02, 0x00, 0x03,
            ])
    }

    @Test("3.1.1 encoding leaves out what 3.1.1 cannot carry")
    func v311DropsV5Fields() throws {
        var properties = MQTTProperties()
        properties.reasonString = "why"
        let pubAck = MQTTPacket.pubAck(
            MQTTPubAckPacket(packetIdentifier: 7, reasonCode: .quotaExceeded, properties: properties))
        #expect(try CodecTestSupport.encode(pubAck, .v3_1_1) == [0x40, 0x02, 0x00, 0x07])
        let disconnect = MQTTPacket.disconnect(MQTTDisconnectPacket(reasonCode: .protocolError, properties: properties))
        #expect(try CodecTestSupport.encode(disconnect, .v3_1_1) == [0xE0, 0x00])
        let subAck = MQTTPacket.subAck(
            MQTTSubAckPacket(packetIdentifier: 1, reasonCodes: [.grantedQoS1, .quotaExceeded], properties: properties))
        #expect(try CodecTestSupport.encode(subAck, .v3_1_1) == [0x90, 0x04, 0x00, 0x01, 0x01, 0x80])
        let unsubAck = MQTTPacket.unsubAck(MQTTUnsubAckPacket(packetIdentifier: 1, reasonCodes: [.success]))
        #expect(try CodecTestSupport.encode(unsubAck, .v3_1_1) == [0xB0, 0x02, 0x00, 0x01])
        var publishProperties = MQTTProperties()
        publishProperties.contentType = "text/plain"
        let publish = MQTTPacket.publish(
            MQTTPublishPacket(topic: "t", payload: CodecTestSupport.buffer("x"), properties: publishProperties))
        #expect(try CodecTestSupport.encode(publish, .v3_1_1) == [0x30, 0x04, 0x00, 0x01, 0x74, 0x78])
    }

    @Test("CONNECT is encoded in its own version whatever the connection version")
    func connectUsesItsOwnVersion() throws {
        let connect = MQTTPacket.connect(
            MQTTConnectPacket(protocolVersion: .v3_1_1, cleanStart: false, keepAlive: 0, clientIdentifier: "c"))
        #expect(try CodecTestSupport.encode(connect, .v5_0) == CodecTestSupport.encode(connect, .v3_1_1))
    }

    @Test("a decoded PUBLISH payload shares the receive buffer's storage")
    func publishPayloadIsASlice() throws {
        let bytes: [UInt8] = [0x30, 0x08, 0x00, 0x01, 0x74, 0x00, 0x01, 0x02, 0x03, 0x04]
        var buffer = ByteBuffer(bytes: bytes)
        var decoder = MQTTFrameDecoder(version: .v5_0)
        guard case .publish(let publish) = try decoder.decode(&buffer) else {
            Issue.record("expected PUBLISH")
            return
        }
        let payloadAddress = publish.payload.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let frameAddress = buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        // The reader index is at the end of the frame, so the payload's last byte is just before it.
        #expect(payloadAddress + 4 == frameAddress)
        #expect(Array(publish.payload.readableBytesView) == [0x01, 0x02, 0x03, 0x04])
    }

    @Test("several frames in one buffer decode in order")
    func concatenatedFrames() throws {
        let vectors = MQTTPacketVectors.v5
        var buffer = ByteBuffer(bytes: vectors.flatMap(\.bytes))
        var decoder = MQTTFrameDecoder(version: .v5_0)
        var decoded: [MQTTPacket] = []
        while let packet = try decoder.decode(&buffer) { decoded.append(packet) }
        #expect(decoded == vectors.map(\.packet))
    }

    @Test("decoding a CONNECT switches the decoder to its version")
    func connectSetsVersion() throws {
        let connect = MQTTPacketVectors.v311[0]
        var buffer = ByteBuffer(bytes: connect.bytes + [0x40, 0x02, 0x00, 0x01])
        var decoder = MQTTFrameDecoder(version: .v5_0)
        #expect(try decoder.decode(&buffer) == connect.packet)
        #expect(decoder.version == .v3_1_1)
        #expect(try decoder.decode(&buffer) == .pubAck(MQTTPubAckPacket(packetIdentifier: 1)))
    }
}
