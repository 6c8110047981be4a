import NIOCore

/// The channel handler of a client connection: hands decoded packets to the client's connection
/// state machine (through ``MQTTClientCore``) and writes the packets it asks for.
///
/// It encodes packets itself into one buffer per flush, so the acknowledgements produced while
/// reading a burst of packets leave in a single write at `channelReadComplete`, and a packet the
/// application submits leaves at once.
final class MQTTConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket
    typealias OutboundOut = ByteBuffer

    private let core: MQTTClientCore
    private let version: MQTTProtocolVersion
    private var context: ChannelHandlerContext?
    private var pending: ByteBuffer?
    /// The buffer last handed to the channel, reused (cleared) for the next writes: once the
    /// channel has written it out it is ours alone again, and clearing it allocates nothing
    /// (a fresh buffer per flush was one to two allocations per request). Still shared, clearing
    /// copies nothing either: it allocates, as a new buffer would.
    private var spare: ByteBuffer?
    /// A spare larger than this is dropped rather than kept for the connection's lifetime.
    private static let maximumSpareCapacity = 64 * 1024
    private var reading = false
    private var needsFlush = false
    private var closed = false
    /// The last error the pipeline reported (TLS, I/O), to explain the closure.
    private(set) var error: (any Error)?

    init(core: MQTTClientCore, version: MQTTProtocolVersion) {
        self.core = core
        self.version = version
    }

    /// The channel, while the handler is in a pipeline (for tests that shape the transport).
    var channel: (any Channel)? {
        context?.channel
    }

    /// Whether the channel is open.
    var isActive: Bool {
        !closed && (context?.channel.isActive ?? false)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        notifyClosed()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reading = true
        core.received(unwrapInboundIn(data), from: self)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        if needsFlush { flushNow() }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let codecError = error as? MQTTCodecError {
            core.decodingFailed(codecError, from: self)
            return
        }
        if self.error == nil { self.error = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        notifyClosed()
        context.fireChannelInactive()
    }

    /// Encodes `packet` into the pending write buffer.
    func write(_ packet: MQTTPacket) {
        guard !closed, let context else { return }
        var buffer =
            pending.take() ?? takeSpare() ?? context.channel.allocator.buffer(capacity: Self.capacityHint(packet))
        do {
            try packet.encode(into: &buffer, version: version)
        } catch {
            pending = buffer
            core.encodingFailed(error, packet: packet, from: self)
            return
        }
        pending = buffer
    }

    /// Writes the pending buffer out: now, or at the end of the current read burst.
    func flush() {
        if reading {
            needsFlush = true
        } else {
            flushNow()
        }
    }

    private func flushNow() {
        needsFlush = false
        guard context != nil else { return }
        if core.persistence != nil {
            // Write-ahead: the bytes leave once the session changes behind them are committed.
            core.writeAfterSessionCommit(pending.take(), handler: self)
            return
        }
        guard let context, let buffer = pending.take() else { return }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        if buffer.capacity <= Self.maximumSpareCapacity { spare = buffer }
    }

    private func takeSpare() -> ByteBuffer? {
        guard var buffer = spare.take() else { return nil }
        buffer.clear()
        return buffer
    }

    /// Writes bytes whose session changes are committed (with a session store).
    func writeCommitted(_ buffer: ByteBuffer) {
        guard !closed, let context else { return }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Flushes what is pending and closes the channel (after the pending writes, with a session store).
    func close() {
        flushNow()
        guard core.persistence != nil else {
            closeNow()
            return
        }
        let bound = NIOLoopBound(self, eventLoop: core.eventLoop)
        core.afterSessionCommit { bound.value.closeNow() }
    }

    private func closeNow() {
        guard !closed else { return }
        if let context, context.channel.isActive {
            context.close(promise: nil)
        } else {
            notifyClosed()
        }
    }

    private func notifyClosed() {
        guard !closed else { return }
        closed = true
        pending = nil
        core.channelClosed(self)
    }

    private static func capacityHint(_ packet: MQTTPacket) -> Int {
        if case .publish(let publish) = packet {
            return publish.payload.readableBytes + publish.topic.utf8.count + 64
        }
        return 64
    }
}
