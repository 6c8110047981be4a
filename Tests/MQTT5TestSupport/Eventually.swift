/// Waits until `condition` holds, checking it every few milliseconds (for state that changes
/// without a broker event: callback logs, counters).
///
/// - Parameters:
///   - what: What is waited for, for the error.
///   - timeout: The longest wait.
///   - condition: The condition.
/// - Throws: ``TestTimeout`` when the time runs out.
public func eventually(
    _ what: String, timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            throw TestTimeout("timed out after \(timeout) waiting for \(what)")
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
