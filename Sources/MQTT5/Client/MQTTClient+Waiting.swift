import NIOCore

extension MQTTClient {
    /// Waits until the client is not connected (returns at once if it is not): after a
    /// disconnection, a failed attempt or a stop (ohmqtt's `wait_for_disconnect`).
    ///
    /// - Parameter timeout: The longest wait.
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/timedOut`` when the time runs out, or
    ///   ``MQTTError/Code/cancelled`` when the calling task is cancelled.
    public func waitForDisconnection(timeout: Duration) async throws(MQTTError) {
        try await waitForLifecycle(timeout: timeout, for: "disconnected", reached: { !$0.machine.isConnected }) {
            event in
            switch event {
            case .disconnection, .connectionFailure, .stopped: true
            case .attemptingConnect, .connectionSuccess: false
            }
        }
    }

    /// Waits until the client is stopped (returns at once if it is): after ``stop(disconnect:)``,
    /// or after a connection failure that retrying cannot heal, or the first failure with
    /// ``MQTTReconnectPolicy/disabled`` (ohmqtt's `wait_for_shutdown`).
    ///
    /// - Parameter timeout: The longest wait.
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/timedOut`` when the time runs out, or
    ///   ``MQTTError/Code/cancelled`` when the calling task is cancelled.
    public func waitForStop(timeout: Duration) async throws(MQTTError) {
        try await waitForLifecycle(timeout: timeout, for: "stopped", reached: { $0.isStopped }) { event in
            if case .stopped = event { true } else { false }
        }
    }

    /// Stops the client as ``stop(disconnect:)`` does, but bounds the graceful part: when the
    /// connection has not closed within `timeout` (a TLS peer that never answers close_notify, a
    /// stalled pipeline), it is closed without waiting any longer and the stop completes.
    ///
    /// The client is stopped when this returns or throws.
    ///
    /// - Parameters:
    ///   - disconnect: The DISCONNECT to send (see ``stop(disconnect:)``).
    ///   - timeout: The longest wait for the connection to close after the DISCONNECT.
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/timedOut`` when the connection had to be
    ///   abandoned (the client is stopped nonetheless).
    public func stop(
        disconnect: MQTTDisconnectPacket = MQTTDisconnectPacket(), timeout: Duration
    ) async throws(MQTTError) {
        let stopped = eventLoop.makePromise(of: Void.self)
        let outcome = eventLoop.makePromise(of: Bool.self)
        let amount = TimeAmount(timeout)
        execute { core in
            let abandoned = NIOLoopBoundBox(false, eventLoop: core.eventLoop)
            let timer = core.eventLoop.scheduleTask(in: amount) {
                abandoned.value = true
                core.abandonConnection()
            }
            stopped.futureResult.whenComplete { _ in
                timer.cancel()
                outcome.succeed(!abandoned.value)
            }
            core.stop(disconnect: disconnect, promise: stopped)
        }
        let graceful = (try? await outcome.futureResult.get()) ?? true
        guard graceful else {
            throw MQTTError(
                code: .timedOut,
                message:
                    "the connection did not close within \(MQTTClientCore.Machine.describe(amount)) after DISCONNECT; it was abandoned and the client is stopped"
            )
        }
    }

    private func waitForLifecycle(
        timeout: Duration, for what: String, reached: @escaping @Sendable (MQTTClientCore) -> Bool,
        reachedBy: @escaping @Sendable (MQTTClientEvent) -> Bool
    ) async throws(MQTTError) {
        let promise = eventLoop.makePromise(of: Void.self)
        let waiter = MQTTLifecycleWaiter(promise: promise)
        let amount = TimeAmount(timeout)
        execute { core in
            core.wait(waiter, timeout: amount, for: what, reached: reached(core), reachedBy: reachedBy)
        }
        try await awaitOnLoop(promise.futureResult) { core in
            waiter.finish(core, .failure(MQTTError(code: .cancelled, message: "the wait for \(what) was cancelled")))
        }
    }
}
