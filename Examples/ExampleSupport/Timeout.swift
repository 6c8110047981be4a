/// Runs `operation`, giving up after `timeout`: every wait in an example is bounded.
///
/// On timeout `operation` is cancelled and an ``ExampleError`` naming `what` is thrown. The
/// operation must honour cancellation (request-response calls and generated streams do).
///
/// ```swift
/// let delta = try await withTimeout(.seconds(3), "the delta") { try await nextDelta() }
/// ```
///
/// - Parameters:
///   - timeout: The longest wait.
///   - what: What is waited for, for the error message.
///   - operation: The work.
/// - Returns: What `operation` returns.
/// - Throws: ``ExampleError`` on timeout, or what `operation` throws.
public func withTimeout<Result: Sendable>(
    _ timeout: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: TimeoutOutcome<Result>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            try await Task.sleep(for: timeout)
            return .timedOut
        }
        defer { group.cancelAll() }
        switch try await group.next() {
        case .finished(let result)?:
            return result
        case .timedOut?, nil:
            throw ExampleError("timed out after \(timeout) waiting for \(what)")
        }
    }
}

/// Which child of ``withTimeout(_:_:_:)`` finished first.
private enum TimeoutOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case timedOut
}
