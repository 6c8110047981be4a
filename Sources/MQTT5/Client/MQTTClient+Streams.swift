extension MQTTClient {
    /// The lifecycle events from now on, as an `AsyncSequence`. Each call makes an independent
    /// stream; it ends when its consumer stops iterating (or the client is deallocated).
    ///
    /// - Parameter bufferingPolicy: What to keep when the consumer is slower than the events.
    /// - Returns: A stream of ``MQTTClientEvent``s.
    public func events(
        bufferingPolicy: AsyncStream<MQTTClientEvent>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<MQTTClientEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTClientEvent.self, bufferingPolicy: bufferingPolicy)
        execute { core in
            let id = core.addEventStream(continuation)
            let loop = core.eventLoop
            continuation.onTermination = { _ in loop.execute { core.removeListener(id) } }
        }
        return stream
    }

    /// The incoming application messages from now on, optionally only those whose topic matches
    /// `filter`, as an `AsyncSequence`. Each call makes an independent stream; it ends when its
    /// consumer stops iterating. Delivery is not flow-controlled: choose `bufferingPolicy` for
    /// slow consumers.
    ///
    /// ```swift
    /// let readings = client.publishes(matching: "sensors/+/temperature")
    /// try await client.subscribe(to: "sensors/+/temperature")
    /// for await message in readings { ... }
    /// ```
    ///
    /// - Parameters:
    ///   - filter: A topic filter (`$share/<group>/` is stripped for matching), or `nil` for all messages.
    ///   - bufferingPolicy: What to keep when the consumer is slower than the messages.
    /// - Returns: A stream of PUBLISH packets (topic aliases resolved).
    public func publishes(
        matching filter: String? = nil,
        bufferingPolicy: AsyncStream<MQTTPublishPacket>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<MQTTPublishPacket> {
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTPublishPacket.self, bufferingPolicy: bufferingPolicy)
        let topicFilter: MQTTTopicFilter?
        if let filter {
            guard let parsed = try? MQTTTopicFilter(filter) else {
                continuation.finish()
                return stream
            }
            topicFilter = parsed
        } else {
            topicFilter = nil
        }
        execute { core in
            let id = core.addPublishStream(continuation, filter: topicFilter)
            let loop = core.eventLoop
            continuation.onTermination = { _ in loop.execute { core.removeListener(id) } }
        }
        return stream
    }
}
