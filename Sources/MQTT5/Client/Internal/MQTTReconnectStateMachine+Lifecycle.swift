extension MQTTReconnectStateMachine {
    // MARK: Starting and stopping

    /// ``MQTTClient/start()``: connects now. A stop still closing its connection is superseded
    /// (its callers return now; the connection carries on); a running client is left alone.
    /// The backoff and the last error start afresh.
    mutating func start(into actions: inout [Action]) {
        switch state {
        case .connecting, .connected, .waitingToReconnect:
            return
        case .stopped:
            lastError = nil
            backoff.reset()
            startRotation()
            beginAttempt(into: &actions)
        case .stopping(let connection):
            lastError = nil
            backoff.reset()
            state = .connected(connection)
            actions.append(.succeedStopWaiters)
        }
    }

    /// ``MQTTClient/stop(disconnect:)``: stops at once when no transport is open (cancelling a
    /// pending reconnection), else disconnects with `packet` and stops once the transport closed.
    mutating func stop(disconnect packet: MQTTDisconnectPacket, into actions: inout [Action]) {
        switch state {
        case .stopped, .connecting:
            state = .stopped
            actions.append(.stopped(nil))
        case .waitingToReconnect:
            state = .stopped
            actions.append(.cancelReconnect)
            actions.append(.stopped(nil))
        case .connected(let connection), .stopping(let connection):
            state = .stopping(connection)
            actions.append(.disconnect(packet))
        }
    }

    /// The timer of a ``MQTTReconnectAction/scheduleReconnect(after:deadline:delay:)`` fired:
    /// the next attempt starts (unless the client stopped or moved on meanwhile).
    mutating func reconnectTimerFired(after attempt: UInt64, into actions: inout [Action]) {
        guard case .waitingToReconnect(attempt, _) = state else { return }
        beginAttempt(into: &actions)
    }

    /// Starts the next connection attempt.
    mutating func beginAttempt(into actions: inout [Action]) {
        attempt += 1
        rotation.tried += 1
        state = .connecting(attempt: attempt)
        actions.append(.emit(.attemptingConnect))
        actions.append(.connect(attempt: attempt))
    }
}
