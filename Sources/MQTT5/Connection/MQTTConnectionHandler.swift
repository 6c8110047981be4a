import NIOCore

/// The channel handler of a client connection: decodes the inbound bytes, hands the packets to
/// the client's connection state machine (through ``MQTTClientCore``) and writes the packets it
/// asks for.
///
/// It decodes with a `NIOSingleStepByteToMessageProcessor` rather than behind a
/// `ByteToMessageHandler`: a packet then reaches the core without being boxed into an `NIOAny`
/// (an allocation per packet, as `MQTTPacket` is larger than an existential's inline storage)
/// or passing through the pipeline. A malformed packet ends decoding on this connection; the
/// state machine closes it with the matching reason code.
///
/// It encodes packets itself into one buffer per flush, so the acknowledgements produced while
/// reading a burst of packets leave in a single write, and a packet the application submits
/// leaves at once. The acknowledgements of a burst leave after the loop has run the work the burst
/// woke up: a caller resumed on this loop (a request-response worker with the client's task
/// executor) usually submits its next request in the same tick, and then that request and the
/// acknowledgements share one write instead of two.
final class MQTTConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let core: MQTTClientCore
    private let version: MQTTProtocolVersion
    private var decoder: NIOSingleStepByteToMessageProcessor<MQTTPacketDecoder>
    /// Set by the first malformed packet: the bytes after it are not read.
    private var decodingFailed = false
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
    /// Whether a task that flushes the acknowledgements of the last read burst is queued.
    private var deferredFlushQueued = false
    private var closed = false
    /// The last error the pipeline reported (TLS, I/O), to explain the closure.
    private(set) var error: (any Error)?

    init(core: MQTTClientCore, version: MQTTProtocolVersion, codecSettings: MQTTCodecSettings) {
        self.core = core
        self.version = version
        self.decoder = NIOSingleStepByteToMessageProcessor(MQTTPacketDecoder(settings: codecSettings))
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
        guard !decodingFailed else { return }
        reading = true
        do {
            try decoder.process(buffer: unwrapInboundIn(data)) { packet in
                core.received(packet, from: self)
            }
        } catch let error as MQTTCodecError {
            decodingFailed = true
            core.decodingFailed(error, from: self)
        } catch {
            decodingFailed = true
            self.errorCaught(context: context, error: error)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        if needsFlush { queueDeferredFlush(context: context) }
        context.fireChannelReadComplete()
    }

    /// Flushes what the read burst left pending once the loop has run the tasks queued so far.
    ///
    /// Those include the jobs of callers the burst resumed on this loop: a packet one of them
    /// writes flushes the acknowledgements with it, and the queued task then finds nothing left.
    private func queueDeferredFlush(context: ChannelHandlerContext) {
        guard !deferredFlushQueued else { return }
        deferredFlushQueued = true
        context.eventLoop.assumeIsolated().execute {
            self.deferredFlushQueued = false
            if self.needsFlush && !self.reading { self.flushNow() }
        }
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
