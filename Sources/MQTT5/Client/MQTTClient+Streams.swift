import NIOCore
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

    /// Every incoming application message from now on, as an `AsyncSequence`. Each call makes
    /// an independent stream; it ends when its consumer stops iterating. Delivery is not
    /// flow-controlled: choose `bufferingPolicy` for slow consumers.
    ///
    /// - Parameter bufferingPolicy: What to keep when the consumer is slower than the messages.
    /// - Returns: A stream of PUBLISH packets (topic aliases resolved).
    public func publishes(
        bufferingPolicy: AsyncStream<MQTTPublishPacket>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<MQTTPublishPacket> {
        makePublishStream(filter: nil, bufferingPolicy: bufferingPolicy)
    }

    /// The incoming application messages from now on whose topic matches `filter`, as an
    /// `AsyncSequence`. Each call makes an independent stream; it ends when its consumer stops
    /// iterating. This does not subscribe: ``withSubscription(to:qos:bufferingPolicy:isolation:_:)``
    /// subscribes, streams and unsubscribes in one scope.
    ///
    /// ```swift
    /// let readings = try client.publishes(matching: "sensors/+/temperature")
    /// try await client.subscribe(to: "sensors/+/temperature")
    /// for await message in readings { ... }
    /// ```
    ///
    /// - Parameters:
    ///   - filter: A topic filter (`$share/<group>/` is stripped for matching).
    ///   - bufferingPolicy: What to keep when the consumer is slower than the messages.
    /// - Returns: A stream of PUBLISH packets (topic aliases resolved).
    /// - Throws: ``MQTTError/Code/invalidArgument`` when `filter` is not a valid topic filter.
    public func publishes(
        matching filter: String,
        bufferingPolicy: AsyncStream<MQTTPublishPacket>.Continuation.BufferingPolicy = .unbounded
    ) throws(MQTTError) -> AsyncStream<MQTTPublishPacket> {
        let topicFilter: MQTTTopicFilter
        do {
            topicFilter = try MQTTTopicFilter(filter)
        } catch {
            throw MQTTError(
                code: .invalidArgument, message: "invalid topic filter for publishes(matching:): \(error)", cause: error
            )
        }
        return makePublishStream(filter: topicFilter, bufferingPolicy: bufferingPolicy)
    }

    private func makePublishStream(
        filter: MQTTTopicFilter?, bufferingPolicy: AsyncStream<MQTTPublishPacket>.Continuation.BufferingPolicy
    ) -> AsyncStream<MQTTPublishPacket> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTPublishPacket.self, bufferingPolicy: bufferingPolicy)
        execute { core in
            let id = core.addPublishStream(continuation, filter: filter)
            let loop = core.eventLoop
            continuation.onTermination = { _ in loop.execute { core.removeListener(id) } }
        }
        return stream
    }
}
