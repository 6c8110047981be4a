import NIOCore

/// A streaming decoder that cuts MQTT frames out of a byte stream and decodes them.
///
/// ``decode(_:)`` returns `nil` (consuming nothing) until a whole frame is buffered. A frame
/// larger than ``maximumPacketSize`` is rejected as soon as its fixed header has been read,
/// before its body arrives. Every malformed input becomes an ``MQTTCodecError`` carrying the
/// reason code a DISCONNECT should send.
///
/// CONNECT is decodable in any version state because it carries its own protocol level; after
/// decoding one, ``version`` becomes that level so that a server decodes what follows in the
/// client's version.
public struct MQTTFrameDecoder: Sendable {
    /// The largest packet the protocol can express: 1 byte of type and flags, 4 bytes of
    /// remaining length and a remaining length of 268,435,455.
    public static let maximumPossiblePacketSize: UInt32 = 268_435_460

    /// The protocol version packets are decoded in.
    public var version: MQTTProtocolVersion
    /// The largest frame accepted, in bytes, counting the fixed header.
    public var maximumPacketSize: UInt32

    /// Creates a decoder.
    ///
    /// - Parameters:
    ///   - version: The protocol version packets are decoded in.
    ///   - maximumPacketSize: The largest frame accepted, counting the fixed header.
    public init(version: MQTTProtocolVersion, maximumPacketSize: UInt32 = MQTTFrameDecoder.maximumPossiblePacketSize) {
        self.version = version
        self.maximumPacketSize = maximumPacketSize
    }

    /// Decodes the next packet of `buffer`.
    ///
    /// - Parameter buffer: Received bytes. On success the frame is consumed; when `nil` is
    ///   returned or an error thrown, the reader index is unchanged.
    /// - Returns: The packet, or `nil` when more bytes are needed.
    /// - Throws: ``MQTTCodecError`` when the bytes are not a valid packet.
    public mutating func decode(_ buffer: inout ByteBuffer) throws(MQTTCodecError) -> MQTTPacket? {
        throw .protocolError("decoding not implemented yet")
    }
}
