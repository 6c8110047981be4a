import NIOCore
import Testing
@testable import MQTT5

/// Helpers shared by the codec tests.
enum CodecTestSupport {
    /// A buffer holding `bytes`.
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }

    /// A buffer holding the UTF-8 of `string`.
    static func buffer(_ string: String) -> ByteBuffer {
        ByteBuffer(string: string)
    }

    /// The bytes `packet` encodes to.
    static func encode(_ packet: MQTTPacket, _ version: MQTTProtocolVersion) throws(MQTTCodecError) -> [UInt8] {
        var buffer = ByteBuffer()
        try packet.encode(into: &buffer, version: version)
        return Array(buffer.readableBytesView)
    }

    /// Decodes exactly one packet from `bytes`, failing the test if bytes are left over or none is complete.
    static func decodeOne(
        _ bytes: [UInt8],
        _ version: MQTTProtocolVersion,
        maximumPacketSize: UInt32 = MQTTFrameDecoder.maximumPossiblePacketSize
    ) throws(MQTTCodecError) -> MQTTPacket? {
        var decoder = MQTTFrameDecoder(version: version, maximumPacketSize: maximumPacketSize)
        var buffer = ByteBuffer(bytes: bytes)
        let packet = try decoder.decode(&buffer)
        #expect(buffer.readableBytes == 0, "bytes left after decoding")
        return packet
    }

    /// The error decoding `bytes` throws, or `nil` when it does not throw.
    static func decodeError(
        _ bytes: [UInt8],
        _ version: MQTTProtocolVersion,
        maximumPacketSize: UInt32 = MQTTFrameDecoder.maximumPossiblePacketSize
    ) -> MQTTCodecError? {
        var decoder = MQTTFrameDecoder(version: version, maximumPacketSize: maximumPacketSize)
        var buffer = ByteBuffer(bytes: bytes)
        let readerIndex = buffer.readerIndex
        do {
            _ = try decoder.decode(&buffer)
            return nil
        } catch {
            #expect(buffer.readerIndex == readerIndex, "a failed decode consumed bytes")
            return error
        }
    }

    /// The error encoding `packet` throws, or `nil` when it does not throw. Checks that nothing
    /// was written on failure.
    static func encodeError(
        _ packet: MQTTPacket, _ version: MQTTProtocolVersion, maximumPacketSize: UInt32 = .max
    ) -> MQTTCodecError? {
        var buffer = ByteBuffer(bytes: [0xAA])
        do {
            try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            return nil
        } catch {
            #expect(Array(buffer.readableBytesView) == [0xAA], "a failed encode left bytes behind")
            return error
        }
    }

    /// A PUBLISH frame (MQTT 5, QoS 0) for `topic` given as raw bytes, to test string validation.
    static func publishFrame(rawTopic: [UInt8]) -> [UInt8] {
        let body: [UInt8] = [0x00, UInt8(rawTopic.count)] + rawTopic + [0x00]
        return [0x30, UInt8(body.count)] + body
    }

    /// A CONNACK frame (MQTT 5) carrying `properties` given as raw bytes.
    static func connAckFrame(rawProperties: [UInt8]) -> [UInt8] {
        let body: [UInt8] = [0x00, 0x00, UInt8(rawProperties.count)] + rawProperties
        return [0x20, UInt8(body.count)] + body
    }

    /// A PUBLISH frame (MQTT 5, QoS 0, topic "t") carrying `properties` given as raw bytes.
    static func publishFrame(rawProperties: [UInt8]) -> [UInt8] {
        let body: [UInt8] = [0x00, 0x01, 0x74, UInt8(rawProperties.count)] + rawProperties
        return [0x30, UInt8(body.count)] + body
    }
}
