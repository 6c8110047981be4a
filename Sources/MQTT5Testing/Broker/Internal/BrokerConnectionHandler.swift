import MQTT5
import NIOCore

/// The last handler of a broker connection's pipeline: passes decoded packets, errors and the
/// channel's lifecycle to ``BrokerCore``, which does all protocol work and writes through the
/// handler's context.
///
/// Pipeline: `ByteToMessageHandler(MQTTPacketDecoder)`, `MessageToByteHandler(MQTTPacketEncoder)`
/// (named ``encoderName`` so raw bytes can be written below it), this handler.
final class BrokerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket
    typealias OutboundOut = MQTTPacket

    static let encoderName = "mqtt-test-broker-encoder"

    private let core: BrokerCore
    private let connection: BrokerConnection

    init(core: BrokerCore, connection: BrokerConnection) {
        self.core = core
        self.connection = connection
    }

    /// Adds the codec and this handler to a newly accepted channel. Runs on the broker's event loop.
    static func install(on channel: any Channel, core: BrokerCore, number: Int) throws {
        let settings = MQTTCodecSettings(version: .v5_0)
        let connection = BrokerConnection(channel: channel, codecSettings: settings, number: number)
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(ByteToMessageHandler(MQTTPacketDecoder(settings: settings)))
        try operations.addHandler(MessageToByteHandler(MQTTPacketEncoder(settings: settings)), name: encoderName)
        try operations.addHandler(BrokerConnectionHandler(core: core, connection: connection))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connection.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connection.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        core.connectionOpened(connection)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        core.received(Self.unwrapInboundIn(data), on: connection)
    }

    func channelInactive(context: ChannelHandlerContext) {
        core.connectionClosed(connection)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if connection.isWriting {
            // The encoder refused an outbound packet; the write's promise carries the error.
            return
        }
        core.connectionFailed(connection, error: error)
    }
}
