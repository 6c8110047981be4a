public import NIOCore

/// A NIO encoder turning outbound ``MQTTPacket``s into bytes.
///
/// Wrap it in a `MessageToByteHandler`. It encodes in ``MQTTCodecSettings/version`` and refuses
/// frames larger than ``MQTTCodecSettings/maximumOutgoingPacketSize`` with an ``MQTTCodecError``,
/// which fails the write's promise.
public struct MQTTPacketEncoder: MessageToByteEncoder {
    /// The packet to encode.
    public typealias OutboundIn = MQTTPacket

    /// The settings shared with the decoder and the connection.
    public let settings: MQTTCodecSettings

    /// Creates an encoder reading version and maximum packet size from `settings` for every packet.
    public init(settings: MQTTCodecSettings) {
        self.settings = settings
    }

    /// Encodes `data` into `out`.
    public func encode(data: MQTTPacket, out: inout ByteBuffer) throws {
        try data.encode(into: &out, version: settings.version, maximumPacketSize: settings.maximumOutgoingPacketSize)
    }
}
