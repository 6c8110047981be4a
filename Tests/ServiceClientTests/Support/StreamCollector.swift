import MQTTServiceRuntime

/// Reads elements of a stream from a background task, with a bound on every wait: when the
/// deadline passes the stream is closed, which ends iteration, so a test can never hang.
final class StreamCollector<Event: Decodable & Sendable>: Sendable {
    private let stream: ServiceEventStream<Event>
    private let elements: AsyncStream<ServiceStreamElement<Event>>
    private let reader: Task<Void, Never>

    init(_ stream: ServiceEventStream<Event>) {
        self.stream = stream
        let (elements, continuation) = AsyncStream<ServiceStreamElement<Event>>.makeStream()
        self.elements = elements
        self.reader = Task {
            for await element in stream { continuation.yield(element) }
            continuation.finish()
        }
    }

    /// The next element, or `nil` if none arrives within `timeout` (the stream is then closed).
    func next(within timeout: Duration = .seconds(5)) async -> ServiceStreamElement<Event>? {
        let watchdog = Task { [stream] in
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { stream.close() }
        }
        defer { watchdog.cancel() }
        var iterator = elements.makeAsyncIterator()
        return await iterator.next()
    }

    /// Closes the stream and waits for the reader to finish.
    func close() async {
        stream.close()
        await reader.value
    }
}
