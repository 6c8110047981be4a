import MQTT5
import NIOCore
import Synchronization

/// A subscription to one topic filter whose publishes and subscription status changes arrive
/// as one `AsyncSequence` of ``StreamingOperationEvent``.
///
/// Created closed by ``RequestResponseClient/streamingOperation(_:)``; ``open()`` subscribes
/// (once), ``close()`` (or releasing the object, or the end of
/// ``RequestResponseClient/withStreamingOperation(_:isolation:_:)``) unsubscribes when no other
/// stream uses the filter. Events, in order:
/// - ``SubscriptionStatusEventType/established`` after the SUBACK (at once when joining an
///   active subscription) and again after every resubscription;
/// - ``SubscriptionStatusEventType/lost`` when the connection came back without the session
///   (the layer resubscribes by itself; retryable failures are retried with capped exponential
///   backoff, without events);
/// - ``SubscriptionStatusEventType/halted`` (terminal, then the sequence ends) on a
///   non-retryable SUBACK reason code, no capacity, a filter used by requests, or client shutdown;
/// - every publish whose topic matches the filter, also when it completes a request.
///
/// Buffering: up to ``RequestResponseClient/Options/streamBufferCapacity`` publishes wait for a
/// slow consumer; beyond that the oldest is dropped. Several tasks may iterate; each event goes
/// to one of them.
public final class StreamingOperation: AsyncSequence, Sendable {
    /// The events of the stream.
    public typealias Element = StreamingOperationEvent
    /// Iteration never throws; failures arrive as ``SubscriptionStatusEventType/halted`` events.
    public typealias Failure = Never

    private enum Phase: UInt8 {
        case created, open, closed
    }

    let id: UInt64
    let filter: MQTTTopicFilter
    private let core: RequestResponseClientCore
    private let buffer: StreamEventBuffer
    private let phase = Atomic<UInt8>(Phase.created.rawValue)
    /// The options whose listeners consume the events, if any.
    private let listeners: StreamingOperationOptions?

    init(
        core: RequestResponseClientCore, filter: MQTTTopicFilter, bufferCapacity: Int,
        listeners: StreamingOperationOptions? = nil
    ) {
        self.core = core
        self.filter = filter
        self.id = core.makeID()
        self.buffer = StreamEventBuffer(capacity: bufferCapacity)
        self.listeners = listeners
    }

    deinit {
        if phase.load(ordering: .relaxed) == Phase.open.rawValue {
            core.closeStream(id: id)
        }
    }

    /// The topic filter the stream subscribes to.
    public var topicFilter: String { filter.rawValue }

    /// Subscribes; events follow on the sequence.
    ///
    /// - Throws: ``RequestResponseError`` with code `invalidArgument` when the stream was already
    ///   opened or closed, `clientShutDown` after the client was closed.
    public func open() throws(RequestResponseError) {
        let (exchanged, original) = phase.compareExchange(
            expected: Phase.created.rawValue, desired: Phase.open.rawValue, ordering: .acquiringAndReleasing
        )
        guard exchanged else {
            throw .invalidArgument(
                original == Phase.open.rawValue
                    ? "the streaming operation on '\(filter)' is already open; a stream opens once"
                    : "the streaming operation on '\(filter)' was closed; create a new one"
            )
        }
        if core.isClosed {
            buffer.finish()
            throw .clientShutDown()
        }
        if let listeners { Self.startListening(listeners, buffer: buffer) }
        core.openStream(id: id, filter: filter, buffer: buffer)
    }

    /// Delivers the events to the listeners from one task, in order, until the sequence ends
    /// (close, halt, shutdown). The task holds the buffer, not the operation, so releasing the
    /// operation still closes it.
    private static func startListening(_ listeners: StreamingOperationOptions, buffer: StreamEventBuffer) {
        Task {
            var events = Iterator(buffer: buffer)
            while let event = await events.next() {
                switch event {
                case .subscriptionStatus(let status): await listeners.subscriptionStatusListener?(status)
                case .publish(let publish): await listeners.publishListener?(publish)
                }
            }
        }
    }

    /// Unsubscribes (when no other stream uses the filter) and ends the sequence; buffered
    /// events are discarded. Idempotent.
    public func close() {
        let previous = phase.exchange(Phase.closed.rawValue, ordering: .acquiringAndReleasing)
        if previous == Phase.open.rawValue { core.closeStream(id: id) }
        buffer.finishDiscardingBuffered()
    }

    /// Creates an iterator over the events.
    public func makeAsyncIterator() -> Iterator {
        Iterator(buffer: buffer)
    }

    /// Iterates the events of a ``StreamingOperation``.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let buffer: StreamEventBuffer

        /// The next event, or `nil` after `halted`, after ``StreamingOperation/close()``, or
        /// when the calling task is cancelled.
        public mutating func next() async -> StreamingOperationEvent? {
            await buffer.next()
        }

        /// The next event, or `nil` when the stream ended.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> StreamingOperationEvent? {
            await buffer.next()
        }
    }
}
