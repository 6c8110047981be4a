public import NIOCore

/// A NIO decoder turning inbound bytes into ``MQTTPacket``s.
///
/// Wrap it in a `ByteToMessageHandler`. Errors are ``MQTTCodecError``s, fired through
/// `errorCaught`; after one the handler decodes nothing more.
public struct MQTTPacketDecoder: ByteToMessageDecoder, NIOSingleStepByteToMessageDecoder {
    /// The decoded packet.
    public typealias InboundOut = MQTTPacket

    /// The settings shared with the encoder and the connection.
    public let settings: MQTTCodecSettings

    /// The frame decoder, kept for its cache of topic names; version and maximum size are set
    /// from ``settings`` before every frame.
    private var frames: MQTTFrameDecoder

    /// Creates a decoder reading version and maximum packet size from `settings` for every frame.
    public init(settings: MQTTCodecSettings) {
        self.settings = settings
        self.frames = MQTTFrameDecoder(version: settings.version)
    }

    /// Decodes the next packet, if a whole frame is buffered.
    public mutating func decode(buffer: inout ByteBuffer) throws -> MQTTPacket? {
        frames.version = settings.version
        frames.maximumPacketSize = settings.maximumIncomingPacketSize
        let packet = try frames.decode(&buffer)
        if case .connect(let connect) = packet, connect.protocolVersion != settings.version {
            settings.version = connect.protocolVersion
        }
        return packet
    }

    /// Decodes what is left when the channel goes inactive.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MQTTPacket? {
        try decode(buffer: &buffer)
    }

    /// Decodes the next packet and passes it on.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = try decode(buffer: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(packet))
        return .continue
    }

    /// Decodes what is left when the channel goes inactive.
    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
