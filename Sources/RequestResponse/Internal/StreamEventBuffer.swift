import DequeModule
import Synchronization

/// The bounded buffer between the event loop (producer) and the consumers of a
/// ``StreamingOperation``.
///
/// Policy: at most `capacity` publishes are buffered; a publish arriving when the buffer is
/// full evicts the oldest buffered publish (newest data wins, as for shadow deltas). Status
/// events are never dropped (there are few: at most one per connection change). Waiting
/// consumers are served first in, first out; a cancelled consumer gets `nil`.
final class StreamEventBuffer: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<StreamingOperationEvent?, Never>
    }

    private struct State {
        var events: Deque<StreamingOperationEvent> = []
        var publishCount = 0
        var waiters: Deque<Waiter> = []
        var nextWaiterID: UInt64 = 0
        var finished = false
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Delivers an event; returns whether a buffered publish had to be dropped.
    @discardableResult
    func push(_ event: StreamingOperationEvent) -> Bool {
        var dropped = false
        let waiter: Waiter? = state.withLock { state in
            guard !state.finished else { return nil }
            if let waiter = state.waiters.popFirst() { return waiter }
            if case .publish = event {
                if state.publishCount >= capacity,
                    let oldest = state.events.firstIndex(where: { if case .publish = $0 { true } else { false } })
                {
                    state.events.remove(at: oldest)
                    state.publishCount -= 1
                    dropped = true
                }
                state.publishCount += 1
            }
            state.events.append(event)
            return nil
        }
        waiter?.continuation.resume(returning: event)
        return dropped
    }

    /// Ends the sequence after the buffered events; waiting consumers get `nil`.
    func finish() {
        let waiters: Deque<Waiter> = state.withLock { state in
            state.finished = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// Discards buffered events and ends the sequence.
    func finishDiscardingBuffered() {
        state.withLock { state in
            state.events.removeAll()
            state.publishCount = 0
        }
        finish()
    }

    /// The next event, or `nil` when finished (or the calling task is cancelled).
    func next() async -> StreamingOperationEvent? {
        let id: UInt64 = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<StreamingOperationEvent?, Never>) in
                enum Answer { case event(StreamingOperationEvent), end, wait }
                let answer: Answer = state.withLock { state in
                    if let event = state.events.popFirst() {
                        if case .publish = event { state.publishCount -= 1 }
                        return .event(event)
                    }
                    if state.finished || Task.isCancelled { return .end }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .wait
                }
                switch answer {
                case .event(let event): continuation.resume(returning: event)
                case .end: continuation.resume(returning: nil)
                case .wait: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: nil)
        }
    }
}
