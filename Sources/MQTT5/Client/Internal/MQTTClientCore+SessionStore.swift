import Dispatch
import Logging
import NIOCore

// The session store: write-ahead commits, restoring at start, recovered publishes.
extension MQTTClientCore {
    // MARK: Write-ahead

    /// Performs `work` (a socket write, a close, a stop) once the session changes recorded so far
    /// are committed, after all work submitted before it. Deliveries deferred by
    /// ``deferDelivery(_:)`` follow it. Without a store, `work` runs at once.
    func afterSessionCommit(_ work: @escaping () -> Void) {
        guard let persistence else {
            work()
            return
        }
        persistence.waiting.append(work)
        let deliveries = persistence.takeDeliveries()
        if !deliveries.isEmpty {
            persistence.waiting.append { [self] in
                guard persistence.failure == nil else { return }
                for (publish, acknowledgement) in deliveries { deliver(publish, acknowledgement: acknowledgement) }
            }
        }
        guard !persistence.isBusy else { return }
        persistence.isBusy = true
        drainSessionWork(persistence)
    }

    /// Writes `buffer` through `handler` once the changes recorded before it are committed.
    func writeAfterSessionCommit(_ buffer: ByteBuffer?, handler: MQTTConnectionHandler) {
        let bound = NIOLoopBound(handler, eventLoop: eventLoop)
        afterSessionCommit { [self] in
            guard let buffer, persistence?.failure == nil else { return }
            bound.value.writeCommitted(buffer)
        }
    }

    /// Hands an inbound publish to the application after the next commit (a QoS 2 publish is
    /// delivered only once its packet identifier is durable).
    func deferDelivery(_ publish: MQTTPublishPacket, acknowledgement: MQTTInboundAcknowledgementID?) {
        persistence?.deferredDeliveries.append((publish, acknowledgement))
    }

    /// Commits and performs waiting work until none is left, or until a commit runs on the
    /// store's queue (its completion carries on).
    private func drainSessionWork(_ persistence: MQTTSessionPersistence) {
        while true {
            let work = persistence.takeWaiting()
            var transaction = machine.journal?.take() ?? MQTTSessionStoreTransaction()
            if persistence.failure != nil { transaction = MQTTSessionStoreTransaction() }
            if work.isEmpty && transaction.isEmpty { break }
            if !transaction.isEmpty {
                if let queue = persistence.queue {
                    let store = persistence.store
                    let transaction = transaction
                    let loop = eventLoop
                    let waiting = NIOLoopBound((persistence, work), eventLoop: eventLoop)
                    queue.async {
                        let result = Result { () throws(MQTTError) in try store.commit(transaction) }
                        loop.execute { [self] in
                            let (persistence, work) = waiting.value
                            if case .failure(let error) = result { sessionStoreFailed(error) }
                            for item in work { item() }
                            drainSessionWork(persistence)
                        }
                    }
                    return
                }
                do {
                    try persistence.store.commit(transaction)
                } catch {
                    sessionStoreFailed(error)
                }
            }
            for item in work { item() }
        }
        persistence.isBusy = false
    }

    /// A commit failed: nothing more is written, the connection closes and the client stops
    /// (the next attempt fails with `error`, which retrying cannot heal).
    private func sessionStoreFailed(_ error: MQTTError) {
        guard let persistence, persistence.failure == nil else { return }
        let failure =
            error.code == .sessionStoreFailure
            ? error
            : MQTTError(code: .sessionStoreFailure, message: "the session store failed: \(error.message)", cause: error)
        persistence.failure = failure
        logger.info("MQTT session store failed; stopping", metadata: ["mqtt.error": "\(failure)"])
        sessionStoreUnusable(failure)
    }

    // MARK: Restoring

    /// Checks the store's identity and takes in its session (at start).
    ///
    /// - Returns: Whether the store holds a session a broker accepted, or the error that
    ///   prevents starting.
    func restoreSession() -> Result<Bool, MQTTError> {
        guard let persistence else { return .success(false) }
        if let failure = persistence.failure { return .failure(failure) }
        let store = persistence.store
        guard !configuration.clientIdentifier.isEmpty else {
            return .failure(
                MQTTError(
                    code: .invalidConfiguration,
                    message:
                        "a session store needs a configured client identifier (a broker-assigned one cannot resume)"
                ))
        }
        let snapshot: MQTTSessionSnapshot
        do {
            snapshot = try persistence.load()
        } catch {
            return .failure(error)
        }
        guard store.clientIdentifier == configuration.clientIdentifier,
            snapshot.clientIdentifier == configuration.clientIdentifier
        else {
            return .failure(
                MQTTError(
                    code: .invalidConfiguration,
                    message:
                        "the session store belongs to client '\(snapshot.clientIdentifier)', not '\(configuration.clientIdentifier)'"
                ))
        }
        let restored = machine.restore(snapshot, now: .now()) { .recovered($0.sequence) }
        if !restored.isEmpty {
            logger.debug("MQTT restored a stored session", metadata: ["mqtt.publishes": "\(restored.count)"])
        }
        let waiters = persistence.recovery.restored(restored)
        let outcomes = persistence.recovery.outcomes
        for waiter in waiters { waiter.succeed(outcomes) }
        shared.statistics = machine.statistics
        return .success(snapshot.sessionExpiryInterval != nil)
    }

    // MARK: Recovered publishes

    /// A recovered publish's flow ended.
    func recoveredPublishFinished(_ sequence: UInt64, _ result: Result<MQTTPublishResult, MQTTError>) {
        guard let persistence else { return }
        let waiters = persistence.recovery.finish(sequence, result)
        guard !waiters.isEmpty else { return }
        let outcomes = persistence.recovery.outcomes
        // Reported once the store no longer holds them.
        afterSessionCommit {
            for waiter in waiters { waiter.succeed(outcomes) }
        }
    }

    /// A CONNACK accepted a connection: without the session, recovered publishes that had been
    /// sent are sent again as new messages.
    func recoveredSessionConnected(_ settings: MQTTNegotiatedSettings) {
        guard let persistence, !settings.rejoinedSession else { return }
        persistence.recovery.sessionNotResumed()
    }

    func waitForRecoveredPublishes(_ promise: EventLoopPromise<[MQTTRecoveredPublish]>) {
        guard let persistence else {
            promise.succeed([])
            return
        }
        if let outcomes = persistence.recovery.wait(promise) { promise.succeed(outcomes) }
    }

    func cancelRecoveredPublishesWaiter(_ promise: EventLoopPromise<[MQTTRecoveredPublish]>) {
        guard let persistence, persistence.recovery.removeWaiter(promise) else { return }
        promise.fail(MQTTError(code: .cancelled, message: "the wait for the recovered publishes was cancelled"))
    }

    // MARK: Operations

    /// Submits a publish and records `metadata` in the same session-store transaction.
    func submit(
        _ operation: Machine.Operation, token: MQTTOperationToken?, sessionMetadata metadata: [String: String?]
    ) {
        run { machine, actions in
            machine.journal?.setMetadata(metadata)
            machine.submit(operation, token: token, now: .now(), into: &actions)
        }
    }
}
