public import MQTTServiceRuntime
import RequestResponse

extension ServiceEventStream {
    /// Waits until the stream's subscription is established, so that events published from
    /// now on are received.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Throws: ``ExampleError`` when the subscription halts, the stream ends or time runs out.
    public func waitUntilEstablished(within timeout: Duration) async throws {
        try await withTimeout(timeout, "the subscription to '\(topicFilter)'") {
            for await element in self {
                guard case .subscriptionStatus(let status) = element else { continue }
                switch status.type {
                case .established: return
                case .halted:
                    throw ExampleError(
                        "the subscription to '\(self.topicFilter)' halted: \(status.error.map { "\($0)" } ?? "no reason")"
                    )
                default: continue
                }
            }
            throw ExampleError("the stream on '\(self.topicFilter)' ended before its subscription was established")
        }
    }

    /// Waits for the first event that satisfies `predicate`, skipping others.
    ///
    /// Status changes are skipped too; an undecodable message is an error (a service sent
    /// something the generated model does not describe).
    ///
    /// - Parameters:
    ///   - timeout: The longest wait.
    ///   - what: What is waited for, for the error message.
    ///   - predicate: Whether an event is the one wanted.
    /// - Returns: The event.
    /// - Throws: ``ExampleError`` on a decoding failure, a halted subscription or timeout.
    public func firstEvent(
        within timeout: Duration, _ what: String, where predicate: @escaping @Sendable (Event) -> Bool = { _ in true }
    ) async throws -> Event {
        try await withTimeout(timeout, what) {
            for await element in self {
                switch element {
                case .event(let event) where predicate(event):
                    return event
                case .event:
                    continue
                case .decodingFailure(let failure):
                    throw ExampleError("a message on '\(failure.topic)' did not decode: \(failure)")
                case .subscriptionStatus(let status) where status.type == .halted:
                    throw ExampleError(
                        "the subscription to '\(self.topicFilter)' halted: \(status.error.map { "\($0)" } ?? "no reason")"
                    )
                case .subscriptionStatus:
                    continue
                }
            }
            throw ExampleError("the stream on '\(self.topicFilter)' ended while waiting for \(what)")
        }
    }
}
