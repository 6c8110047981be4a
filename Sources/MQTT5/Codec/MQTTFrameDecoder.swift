public import NIOCore

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
    /// The PUBLISH topic names received last: one received again is not built again.
    private var topicNames = MQTTTopicNameCache()

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
        let start = buffer.readerIndex
        guard let first: UInt8 = buffer.getInteger(at: start) else { return nil }
        let type = try Self.packetType(of: first, version: version)
        let remainingLength: UInt32
        let lengthSize: Int
        switch MQTTVariableByteInteger.peek(buffer, at: start + 1) {
        case .value(let value, let length):
            remainingLength = value
            lengthSize = length
        case .needMoreBytes:
            return nil
        case .invalid(let problem):
            throw .malformedPacket("\(type) remaining length: \(problem)")
        }
        let frameSize = 1 + lengthSize + Int(remainingLength)
        guard frameSize <= Int(maximumPacketSize) else {
            throw .packetTooLarge("\(type) of \(frameSize) bytes exceeds the maximum packet size \(maximumPacketSize)")
        }
        guard var body = buffer.getSlice(at: start + 1 + lengthSize, length: Int(remainingLength)) else { return nil }
        let packet = try decodeBody(&body, type: type, flags: first & 0x0F)
        guard body.readableBytes == 0 else {
            throw .malformedPacket("\(type) has \(body.readableBytes) bytes beyond its content")
        }
        buffer.moveReaderIndex(forwardBy: frameSize)
        if case .connect(let connect) = packet { version = connect.protocolVersion }
        return packet
    }

    /// Checks the first byte of a frame: a known type for `version` with the required flags.
    private static func packetType(
        of first: UInt8, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTPacketType {
        guard let type = MQTTPacketType(rawValue: first >> 4), type != .auth || version == .v5_0 else {
            throw .malformedPacket("reserved packet type \(first >> 4)")
        }
        if let required = type.requiredFlags, first & 0x0F != required {
            throw .malformedPacket(
                "\(type) with fixed header flags 0x\(hexByte(first & 0x0F)) instead of 0x\(hexByte(required))")
        }
        return type
    }

    private mutating func decodeBody(
        _ body: inout ByteBuffer,
        type: MQTTPacketType,
        flags: UInt8
    ) throws(MQTTCodecError) -> MQTTPacket {
        switch type {
        case .connect: .connect(try MQTTConnectPacket.decode(from: &body))
        case .connAck: .connAck(try MQTTConnAckPacket.decode(from: &body, version: version))
        case .publish:
            .publish(
                try MQTTPublishPacket.decode(from: &body, flags: flags, version: version, topicNames: &topicNames))
        case .pubAck: .pubAck(try MQTTPubAckPacket.decode(from: &body, version: version))
        case .pubRec: .pubRec(try MQTTPubRecPacket.decode(from: &body, version: version))
        case .pubRel: .pubRel(try MQTTPubRelPacket.decode(from: &body, version: version))
        case .pubComp: .pubComp(try MQTTPubCompPacket.decode(from: &body, version: version))
        case .subscribe: .subscribe(try MQTTSubscribePacket.decode(from: &body, version: version))
        case .subAck: .subAck(try MQTTSubAckPacket.decode(from: &body, version: version))
        case .unsubscribe: .unsubscribe(try MQTTUnsubscribePacket.decode(from: &body, version: version))
        case .unsubAck: .unsubAck(try MQTTUnsubAckPacket.decode(from: &body, version: version))
        case .pingReq: .pingReq
        case .pingResp: .pingResp
        case .disconnect: .disconnect(try MQTTDisconnectPacket.decode(from: &body, version: version))
        case .auth: .auth(try MQTTAuthPacket.decode(from: &body))
        }
    }
}
