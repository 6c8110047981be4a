package import NIOCore

extension MQTTClient {
    /// Waits until every publish recovered from the ``Configuration/sessionStore`` when the
    /// client started has finished its flow, and returns their outcomes, in submission order.
    ///
    /// The callers of those publishes were in an earlier process (or an earlier client): this is
    /// where their results are reported. A resumed session sends them again with DUP set (or their
    /// PUBREL); without the session they are sent again as new messages or failed, per
    /// ``Configuration/recoveredPublishesWithoutSession``. Returns at once without a store, or
    /// when nothing was recovered. Call it after ``start()``; the wait ends when the flows end,
    /// when the client stops (``MQTTError/Code/clientStopped`` outcomes), or when the task is cancelled.
    ///
    /// - Returns: The recovered publishes and how each ended.
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/cancelled`` when the calling task is cancelled.
    public func recoveredPublishes() async throws(MQTTError) -> [MQTTRecoveredPublish] {
        let promise = eventLoop.makePromise(of: [MQTTRecoveredPublish].self)
        execute { core in core.waitForRecoveredPublishes(promise) }
        return try await awaitOnLoop(promise.futureResult, endedCode: .cancelled) { core in
            core.cancelRecoveredPublishesWaiter(promise)
        }
    }

    /// Publishes, and commits `sessionMetadata` to the ``Configuration/sessionStore`` in the same
    /// transaction as the publish's record: after a crash, the stored metadata and the stored
    /// publishes agree (for example a "next sequence number" that neither skips nor repeats a
    /// message). Without a store the metadata is dropped. See ``publish(_:)``.
    ///
    /// - Parameters:
    ///   - packet: The message.
    ///   - sessionMetadata: Values to set (`nil` removes a key), read back with
    ///     ``MQTTSessionStore/load()`` (``MQTTSessionSnapshot/metadata``).
    /// - Returns: The acknowledgements of the flow.
    /// - Throws: ``MQTTError``, as ``publish(_:)``.
    @discardableResult
    public func publish(
        _ packet: MQTTPublishPacket, sessionMetadata: [String: String?]
    ) async throws(MQTTError) -> MQTTPublishResult {
        try await Self.value(of: publishFuture(packet, sessionMetadata: sessionMetadata))
    }

    /// Publishes with session metadata (see ``publish(_:sessionMetadata:)``); the future completes
    /// on ``eventLoop``. Submissions from one task keep their order.
    ///
    /// - Parameters:
    ///   - packet: The message.
    ///   - sessionMetadata: Values committed with the publish's record.
    /// - Returns: A future of the flow's acknowledgements, failed with ``MQTTError``.
    package func publishFuture(
        _ packet: MQTTPublishPacket, sessionMetadata: [String: String?]
    ) -> EventLoopFuture<MQTTPublishResult> {
        let promise = eventLoop.makePromise(of: MQTTPublishResult.self)
        execute { core in core.submit(.publish(packet), token: .publish(promise), sessionMetadata: sessionMetadata) }
        return promise.futureResult
    }
}
