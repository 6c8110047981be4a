import NIOCore

extension MQTTClient {
    /// Every step of the QoS 1 and 2 message flows in both directions from now on, as an
    /// `AsyncSequence`: each PUBLISH, PUBACK, PUBREC, PUBREL and PUBCOMP sent or received, with
    /// the flow it belongs to (see ``MQTTMessageFlow``). Each call makes an independent stream; it
    /// ends when its consumer stops iterating (or the client is deallocated). Flows are only
    /// followed while a stream exists.
    ///
    /// ```swift
    /// for await step in client.messageFlows() where step.flow.isComplete {
    ///     print("\(step.flow.direction) flow \(step.flow.packetIdentifier) done with \(step.stage)")
    /// }
    /// ```
    ///
    /// - Parameter bufferingPolicy: What to keep when the consumer is slower than the packets.
    /// - Returns: A stream of ``MQTTMessageFlowEvent``s, in the order the packets went and came.
    public func messageFlows(
        bufferingPolicy: AsyncStream<MQTTMessageFlowEvent>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<MQTTMessageFlowEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTMessageFlowEvent.self, bufferingPolicy: bufferingPolicy)
        execute { core in
            let id = core.addFlowStream(continuation)
            let loop = core.eventLoop
            continuation.onTermination = { _ in loop.execute { core.removeListener(id) } }
        }
        return stream
    }
}
