import Synchronization

/// A multi-producer queue a test awaits with a bound: ``next(timeout:)`` returns the next
/// element or throws ``TestTimeout``.
public final class TestQueue<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var waiter: (id: UInt64, continuation: CheckedContinuation<Element?, Never>)?
        var nextWaiterID: UInt64 = 0
        var finished = false
    }

    private let state = Mutex(State())

    public init() {}

    public func push(_ element: Element) {
        let waiter: CheckedContinuation<Element?, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.items.append(element)
            return nil
        }
        waiter?.resume(returning: element)
    }

    public func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }

    /// Elements received and not yet taken.
    public var pending: [Element] { state.withLock { $0.items } }

    /// The next element, waiting at most `timeout`.
    ///
    /// - Throws: ``TestTimeout`` when nothing arrives in time or the queue is finished.
    public func next(timeout: Duration = .seconds(10), _ what: String = "element") async throws -> Element {
        let element: Element? = await withCheckedContinuation { continuation in
            let id: UInt64? = state.withLock { state in
                if !state.items.isEmpty {
                    continuation.resume(returning: state.items.removeFirst())
                    return nil
                }
                if state.finished {
                    continuation.resume(returning: nil)
                    return nil
                }
                state.nextWaiterID += 1
                state.waiter = (state.nextWaiterID, continuation)
                return state.nextWaiterID
            }
            guard let id else { return }
            Task {
                try? await Task.sleep(for: timeout)
                let expired = self.state.withLock { state -> CheckedContinuation<Element?, Never>? in
                    guard let waiter = state.waiter, waiter.id == id else { return nil }
                    state.waiter = nil
                    return waiter.continuation
                }
                expired?.resume(returning: nil)
            }
        }
        guard let element else { throw TestTimeout("no \(what) within \(timeout)") }
        return element
    }

    /// Takes elements until one satisfies `predicate` (returned), within `timeout` overall.
    public func first(
        timeout: Duration = .seconds(10), _ what: String = "element", where predicate: (Element) -> Bool
    ) async throws -> Element {
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw TestTimeout("no matching \(what) within \(timeout)") }
            let element = try await next(timeout: remaining, what)
            if predicate(element) { return element }
        }
    }
}

/// A bounded wait in a test ran out.
public struct TestTimeout: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
