import RequestResponse

/// The open stream a generated client's `…Events` method returns: an `AsyncSequence` of
/// ``ServiceStreamElement``s.
///
/// ```swift
/// let deltas = try shadow.shadowDeltaUpdatedEvents(thingName: "dev-1")
/// defer { deltas.close() }
/// for await element in deltas {
///     switch element {
///     case .event(let delta): apply(delta.state)
///     case .subscriptionStatus(let status): print("subscription", status)
///     case .decodingFailure(let error): print(error)
///     }
/// }
/// ```
/// The subscription stays until ``close()`` is called or the stream is released; iteration ends
/// after close, client shutdown or a halted subscription. Iterate from one task at a time.
public final class ServiceEventStream<Event: Decodable & Sendable>: AsyncSequence, Sendable {
    /// The elements.
    public typealias Element = ServiceStreamElement<Event>
    /// Iteration never throws: failures are elements.
    public typealias Failure = Never

    /// The stream name (`ShadowDeltaUpdated`).
    public let name: String
    let operation: StreamingOperation

    init(name: String, operation: StreamingOperation) {
        self.name = name
        self.operation = operation
    }

    deinit {
        operation.close()
    }

    /// The MQTT topic filter the stream is subscribed to.
    public var topicFilter: String { operation.topicFilter }

    /// Ends the stream and releases its subscription; iteration finishes. Safe to call more than once.
    public func close() {
        operation.close()
    }

    /// Runs `body` with this stream and closes it when `body` returns or throws, so the stream's
    /// subscription ends with the scope instead of whenever the last reference goes away.
    ///
    /// ```swift
    /// try await shadow.shadowDeltaUpdatedEvents(thingName: "my-thing").closing { deltas in
    ///     for await element in deltas { ... }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - isolation: The caller's isolation, inherited by `body`.
    ///   - body: Consumes the stream.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public func closing<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ServiceEventStream<Event>) async throws -> Result
    ) async throws -> Result {
        defer { close() }
        return try await body(self)
    }

    /// Creates an iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(name: name, base: operation.makeAsyncIterator())
    }

    /// Iterates the elements, decoding each publish.
    public struct Iterator: AsyncIteratorProtocol {
        let name: String
        var base: StreamingOperation.Iterator

        /// The next element, or `nil` when the stream has ended.
        public mutating func next() async -> ServiceStreamElement<Event>? {
            guard let event = await base.next() else { return nil }
            return Self.element(for: event, name: name)
        }

        /// The next element, or `nil` when the stream has ended.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> ServiceStreamElement<Event>? {
            guard let event = await base.next(isolation: actor) else { return nil }
            return Self.element(for: event, name: name)
        }

        static func element(for event: StreamingOperationEvent, name: String) -> ServiceStreamElement<Event> {
            switch event {
            case .subscriptionStatus(let status):
                return .subscriptionStatus(status)
            case .publish(let publish):
                do {
                    return .event(try ServiceCoding.decode(Event.self, from: publish.payload))
                } catch {
                    return .decodingFailure(
                        ServiceDecodingError(
                            operation: name, topic: publish.topic, typeName: String(describing: Event.self),
                            message: String(describing: error),
                            payloadPreview: ServiceDecodingError.preview(publish.payload),
                            cause: error))
                }
            }
        }
    }
}
