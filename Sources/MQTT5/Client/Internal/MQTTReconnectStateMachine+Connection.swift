import NIOCore

extension MQTTReconnectStateMachine {
    // MARK: Connection events

    /// The transport of `attempt` is open: CONNECT goes out with the session this attempt asks
    /// for. A transport of an abandoned attempt is closed.
    mutating func transportOpened(attempt: UInt64) -> TransportOpenedAction {
        guard case .connecting(attempt) = state else { return .close }
        state = .connected(Connection(attempt: attempt, acceptedAt: nil))
        let session = sessionRequest()
        return .sendConnect(clientIdentifier: session.clientIdentifier, cleanStart: session.cleanStart)
    }

    /// The transport of `attempt` could not be opened: reports the failure, then retries after
    /// the backoff or stops when retrying cannot heal it.
    mutating func connectAttemptFailed(
        attempt: UInt64, error: MQTTError, now: NIODeadline, into actions: inout [Action]
    ) {
        guard case .connecting(attempt) = state else { return }
        connectionEnded(
            after: attempt, event: .connectionFailure(nil, error), error: error, connectedFor: nil, stopping: false,
            now: now,
            into: &actions
        )
    }

    /// The broker accepted the connection (a CONNACK with success). Remembers an assigned
    /// client identifier and that a session exists, and starts the connected time.
    mutating func connectionAccepted(
        _ connAck: MQTTConnAckPacket, settings negotiated: MQTTNegotiatedSettings, now: NIODeadline,
        into actions: inout [Action]
    ) {
        var connection: Connection
        switch state {
        case .connected(let current), .stopping(let current): connection = current
        case .stopped, .connecting, .waitingToReconnect: return
        }
        if let assigned = connAck.properties.assignedClientIdentifier, configuration.clientIdentifier.isEmpty {
            assignedClientIdentifier = assigned
        }
        var settings = negotiated
        settings.clientIdentifier = assignedClientIdentifier ?? configuration.clientIdentifier
        hadSuccessfulConnection = true
        connection.acceptedAt = now
        if case .stopping = state { state = .stopping(connection) } else { state = .connected(connection) }
        actions.append(.connectionSucceeded(connAck, settings))
    }

    /// The open transport closed, for `error` (with the broker's refusing CONNACK or its
    /// DISCONNECT when there was one). Reports a disconnection (when the broker had accepted the
    /// connection) or a failed attempt, then completes a stop, stops for a failure that retrying
    /// cannot heal, or schedules the next attempt after the backoff (reset first when the
    /// connection had lasted ``MQTTReconnectPolicy/resetAfter``).
    mutating func connectionClosed(
        error: MQTTError, connAck: MQTTConnAckPacket?, disconnect: MQTTDisconnectPacket?, now: NIODeadline,
        into actions: inout [Action]
    ) {
        let connection: Connection
        switch state {
        case .connected(let current), .stopping(let current): connection = current
        case .stopped, .connecting, .waitingToReconnect: return
        }
        let stopping = !isRunning
        let connectedFor = connection.acceptedAt.map { now - $0 }
        let event: MQTTClientEvent =
            connectedFor == nil ? .connectionFailure(connAck, error) : .disconnection(disconnect, error)
        connectionEnded(
            after: connection.attempt, event: event, error: error, connectedFor: connectedFor, stopping: stopping,
            now: now,
            into: &actions
        )
    }

    /// Reports the end of a connection or attempt with `event`, then decides what follows: stop,
    /// or reconnect after a delay.
    private mutating func connectionEnded(
        after attempt: UInt64, event: MQTTClientEvent, error: MQTTError, connectedFor: TimeAmount?, stopping: Bool,
        now: NIODeadline, into actions: inout [Action]
    ) {
        lastError = error
        if stopping || Self.cannotHeal(error) || !configuration.reconnect.isEnabled {
            state = .stopped
            actions.append(.emit(event))
            actions.append(.stopped(stopping ? nil : error))
            return
        }
        if let connectedFor, connectedFor >= TimeAmount(configuration.reconnect.resetAfter) {
            backoff.reset()
        }
        let delay = nextDelay(afterConnection: connectedFor != nil)
        let deadline = now + TimeAmount(delay)
        state = .waitingToReconnect(after: attempt, until: deadline)
        // Scheduled before the event is emitted, so that a listener stopping the client cancels this very timer.
        actions.append(.scheduleReconnect(after: attempt, deadline: deadline, delay: delay))
        actions.append(.emit(event))
    }

    /// Whether a connection failure is one that retrying cannot heal (bad credentials, banned...).
    static func cannotHeal(_ error: MQTTError) -> Bool {
        if error.code == .invalidConfiguration || error.code == .proxyNotAuthorized
            || error.code == .certificateRejected
        {
            return true
        }
        guard error.code == .connectionRefused, case .connAck(let code) = error.reasonCode else { return false }
        switch code {
        case .malformedPacket, .protocolError, .unsupportedProtocolVersion, .clientIdentifierNotValid,
            .badUserNameOrPassword, .notAuthorized, .banned, .badAuthenticationMethod, .topicNameInvalid,
            .packetTooLarge, .payloadFormatInvalid, .retainNotSupported, .qosNotSupported, .serverMoved:
            return true
        default:
            return false
        }
    }
}
