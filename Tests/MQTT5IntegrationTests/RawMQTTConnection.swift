import MQTT5
import NIOCore
import NIOPosix

/// A bare TCP connection speaking MQTT through the codec handlers only (no client logic), for
/// testing the codec against a real broker. Every wait is bounded: the channel is closed at
/// the deadline, which ends any pending read.
struct RawMQTTConnection {
    struct Closed: Error, CustomStringConvertible {
        var description: String { "the connection closed (or hit its deadline) before the expected packet arrived" }
    }

    typealias Inbound = NIOAsyncChannelInboundStream<MQTTPacket>.AsyncIterator

    /// Connects to `port`, runs `body` with an inbound packet iterator and the outbound writer,
    /// then closes the connection.
    static func with<Result: Sendable>(
        port: Int,
        version: MQTTProtocolVersion,
        deadline: TimeAmount = .seconds(10),
        _ body: (inout Inbound, NIOAsyncChannelOutboundWriter<MQTTPacket>) async throws -> Result
    ) async throws -> Result {
        let settings = MQTTCodecSettings(version: version)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(MQTTPacketDecoder(settings: settings)),
                        MessageToByteHandler(MQTTPacketEncoder(settings: settings)),
                    ])
                    return try NIOAsyncChannel<MQTTPacket, MQTTPacket>(wrappingChannelSynchronously: channel)
                }
            }
        let underlying = channel.channel
        let timer = underlying.eventLoop.scheduleTask(in: deadline) { underlying.close(promise: nil) }
        defer { timer.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            return try await body(&iterator, outbound)
        }
    }

    /// The next inbound packet; throws ``Closed`` when the connection ends first.
    static func next(_ iterator: inout Inbound) async throws -> MQTTPacket {
        guard let packet = try await iterator.next() else { throw Closed() }
        return packet
    }
}
