import NIOCore
import DequeModule

extension MQTTConnectionStateMachine {
    // MARK: Connecting

    /// The transport is up: sends CONNECT and starts the CONNACK timer.
    mutating func connectionEstablished(connect: MQTTConnectPacket, now: NIODeadline, into actions: inout [Action]) {
        setConnecting(deadline: now + configuration.connAckTimeout, cleanStart: connect.cleanStart, now: now)
        connectSessionExpiryInterval = connect.properties.sessionExpiryInterval ?? 0
        send(.connect(connect), now: now, into: &actions)
    }

    /// Answers the broker's AUTH (continue authentication) during connection or re-authentication.
    mutating func sendAuth(_ packet: MQTTAuthPacket, now: NIODeadline, into actions: inout [Action]) {
        switch phase {
        case .connecting, .connected:
            send(.auth(packet), now: now, into: &actions)
        case .disconnected, .closing:
            break
        }
    }

    /// The authentication handler failed: closes the connection with DISCONNECT 0x87 or 0x8C.
    mutating func authenticationFailed(_ error: MQTTError, now: NIODeadline, into actions: inout [Action]) {
        guard phase != .disconnected, phase != .closing else { return }
        if case .connected = phase, version == .v5_0 {
            send(.disconnect(MQTTDisconnectPacket(reasonCode: .notAuthorized)), now: now, into: &actions)
        }
        close(CloseReason(error: error), into: &actions)
    }

    /// Starts re-authentication (MQTT 5 enhanced authentication) with `packet`
    /// (reason code ``MQTTAuthReasonCode/reAuthenticate``); `token` completes with the broker's final AUTH.
    mutating func reauthenticate(_ packet: MQTTAuthPacket, token: Token, now: NIODeadline, into actions: inout [Action])
    {
        guard case .connected = phase else {
            actions.append(
                .fail(token, MQTTError(code: .offline, message: "cannot re-authenticate while not connected")))
            return
        }
        guard version == .v5_0, configuration.enhancedAuthentication else {
            actions.append(
                .fail(
                    token,
                    MQTTError(
                        code: .invalidArgument,
                        message: "re-authentication needs MQTT 5 and an authentication method in the configuration")))
            return
        }
        if let previous = reauthentication {
            actions.append(
                .fail(previous, MQTTError(code: .cancelled, message: "superseded by a newer re-authentication")))
        }
        reauthentication = token
        send(.auth(packet), now: now, into: &actions)
    }

    mutating func handleConnAck(
        _ connAck: MQTTConnAckPacket, cleanStart: Bool, now: NIODeadline, into actions: inout [Action]
    ) {
        if connAck.reasonCode.isError {
            let error = MQTTError(
                code: .connectionRefused,
                message: "the broker refused the connection: \(connAck.reasonCode)",
                reasonCode: .connAck(connAck.reasonCode),
                reasonString: connAck.properties.reasonString,
                serverReference: connAck.properties.serverReference
            )
            close(CloseReason(error: error, connAck: connAck), into: &actions)
            return
        }
        var settings = negotiate(connAck)
        let sessionPresent = connAck.sessionPresent && !cleanStart
        settings.rejoinedSession = sessionPresent
        settings.sessionLost = !cleanStart && !connAck.sessionPresent
        if !sessionPresent {
            discardSession(into: &actions)
        }
        setConnected(settings)
        actions.append(.connected(connAck, settings))
        if sessionPresent {
            retransmit(now: now, into: &actions)
        }
        throttle.connectionAccepted(sessionPresent: sessionPresent, backlog: queue.count)
        drainQueue(now: now, into: &actions)
    }

    /// Combines the configuration and the CONNACK into the settings in force.
    func negotiate(_ connAck: MQTTConnAckPacket) -> MQTTNegotiatedSettings {
        var settings = MQTTNegotiatedSettings(
            protocolVersion: version,
            clientIdentifier: "",
            keepAlive: configuration.keepAlive
        )
        guard version == .v5_0 else { return settings }
        let properties = connAck.properties
        settings.maximumQoS = properties.maximumQoS ?? .exactlyOnce
        settings.sessionExpiryInterval = properties.sessionExpiryInterval ?? 0
        settings.receiveMaximumFromServer = properties.receiveMaximum ?? 65_535
        settings.maximumPacketSizeToServer = properties.maximumPacketSize ?? MQTTFrameDecoder.maximumPossiblePacketSize
        settings.topicAliasMaximumToServer = properties.topicAliasMaximum ?? 0
        settings.topicAliasMaximumToClient = configuration.inboundTopicAliasMaximum
        settings.serverKeepAlive = properties.serverKeepAlive ?? configuration.keepAlive
        settings.retainAvailable = properties.retainAvailable ?? true
        settings.wildcardSubscriptionsAvailable = properties.wildcardSubscriptionAvailable ?? true
        settings.subscriptionIdentifiersAvailable = properties.subscriptionIdentifiersAvailable ?? true
        settings.sharedSubscriptionsAvailable = properties.sharedSubscriptionAvailable ?? true
        settings.clientIdentifier = properties.assignedClientIdentifier ?? ""
        settings.responseInformation = properties.responseInformation
        return settings
    }

    /// The broker has no session: inbound QoS 2 state is dropped; un-acknowledged publishes are
    /// queued again as new publishes (or failed under ``MQTTOfflineQueuePolicy/Behavior/failAll``);
    /// a QoS 2 publish whose PUBREC had arrived completes (the broker owned it).
    mutating func discardSession(into actions: inout [Action]) {
        inboundQoS2.removeAll()
        guard !inFlight.isEmpty else { return }
        var requeue: [QueuedOperation] = []
        for entry in removeAllInFlight() {
            switch (entry.operation, entry.stage) {
            case (.publish(let packet), .awaitingPubComp(let pubRec)):
                if let token = entry.token {
                    actions.append(.succeedPublish(token, MQTTPublishResult(qos: packet.qos, pubRec: pubRec)))
                }
            case (.publish(var packet), _):
                if configuration.offlineQueue.behavior == .failAll {
                    if let token = entry.token {
                        actions.append(
                            .fail(
                                token,
                                MQTTError(
                                    code: .sessionLost,
                                    message:
                                        "the broker did not resume the session; the \(packet.qos) publish to '\(packet.topic)' was not acknowledged"
                                )))
                    }
                } else {
                    packet.packetIdentifier = nil
                    packet.dup = false
                    requeue.append(QueuedOperation(operation: .publish(packet), token: entry.token, size: entry.size))
                }
            case (.subscribe, _), (.unsubscribe, _):
                if let token = entry.token {
                    actions.append(
                        .fail(token, MQTTError(code: .sessionLost, message: "the broker did not resume the session")))
                }
            }
        }
        for operation in requeue.reversed() {
            addQueued(operation, atFront: true)
        }
    }

    /// Sends the session's un-acknowledged publishes again (DUP set) and the pending PUBRELs, in
    /// their original order.
    mutating func retransmit(now: NIODeadline, into actions: inout [Action]) {
        guard !inFlight.isEmpty else { return }
        let entries = inFlight.sorted { $0.value.sequence < $1.value.sequence }
        for (identifier, entry) in entries {
            inFlight[identifier]?.sentAt = now
            switch (entry.operation, entry.stage) {
            case (.publish, .awaitingPubComp):
                send(.pubRel(MQTTPubRelPacket(packetIdentifier: identifier)), now: now, into: &actions)
            case (.publish(var packet), _):
                packet.dup = true
                packet.properties.topicAlias = nil
                send(.publish(packet), now: now, into: &actions)
            case (.subscribe(let packet), _):
                send(.subscribe(packet), now: now, into: &actions)
            case (.unsubscribe(let packet), _):
                send(.unsubscribe(packet), now: now, into: &actions)
            }
        }
        ackDeadlineHint = nil
        noteSent(at: now)
    }

    // MARK: Disconnecting

    /// Ends the connection on the client's initiative: sends `packet` (MQTT 5; an empty
    /// DISCONNECT in 3.1.1) if connected, then asks to close.
    mutating func disconnect(
        _ packet: MQTTDisconnectPacket, error: MQTTError, now: NIODeadline, into actions: inout [Action]
    ) {
        switch phase {
        case .connected:
            var packet = packet
            // MQTT-3.14.2-2: a connection opened with Session Expiry Interval 0 may not raise it
            // in DISCONNECT (a strict broker answers 0x82). The property is dropped, as documented
            // on `MQTTClient.stop(disconnect:)`.
            if connectSessionExpiryInterval == 0, packet.properties.sessionExpiryInterval ?? 0 != 0 {
                packet.properties.sessionExpiryInterval = nil
            }
            send(.disconnect(packet), now: now, into: &actions)
            close(CloseReason(error: error), into: &actions)
        case .connecting:
            close(CloseReason(error: error), into: &actions)
        case .closing, .disconnected:
            break
        }
    }

    /// The transport closed. Applies the offline queue policy: sent subscribes and unsubscribes
    /// and queued operations are failed or kept; un-acknowledged publishes stay in the session to
    /// be sent again.
    mutating func connectionClosed(now: NIODeadline, into actions: inout [Action]) -> ClosedOutcome {
        let outcome = takeCloseOutcome()
        let error = outcome.reason.error
        if let token = reauthentication {
            reauthentication = nil
            actions.append(.fail(token, error))
        }
        let behavior = configuration.offlineQueue.behavior
        // Sent subscribes and unsubscribes: their packet identifiers are released.
        var requeue: [QueuedOperation] = []
        let sent = inFlight.filter { entry in
            if case .publish = entry.value.operation { return false }
            return true
        }.sorted { $0.value.sequence < $1.value.sequence }
        for (identifier, _) in sent {
            guard let entry = removeInFlight(identifier) else { continue }
            if behavior == .failQoS0Publish {
                requeue.append(QueuedOperation(operation: entry.operation, token: entry.token, size: entry.size))
            } else if let token = entry.token {
                actions.append(.fail(token, error))
            }
        }
        for operation in requeue.reversed() {
            addQueued(operation, atFront: true)
        }
        // Queued operations the policy does not keep.
        if queue.contains(where: { !Self.survivesDisconnection($0.operation, behavior) }) {
            var kept = removeAllQueued()
            kept.removeAll { queued in
                guard !Self.survivesDisconnection(queued.operation, behavior) else { return false }
                if let token = queued.token { actions.append(.fail(token, error)) }
                return true
            }
            for operation in kept { addQueued(operation) }
        }
        return outcome
    }

    /// Whether the policy keeps `operation` across a disconnection (and accepts it while disconnected).
    static func survivesDisconnection(_ operation: Operation, _ behavior: MQTTOfflineQueuePolicy.Behavior) -> Bool {
        switch behavior.kind {
        case .failAll:
            return false
        case .failNonQoS1Publish:
            if case .publish(let packet) = operation { return packet.qos != .atMostOnce }
            return false
        case .failQoS0Publish:
            if case .publish(let packet) = operation { return packet.qos != .atMostOnce }
            return true
        }
    }

    /// The client stops: every operation, queued or in flight, fails with `error` and the session
    /// state is dropped.
    mutating func failAll(_ error: MQTTError, into actions: inout [Action]) {
        if let token = reauthentication {
            reauthentication = nil
            actions.append(.fail(token, error))
        }
        for entry in removeAllInFlight() {
            if let token = entry.token { actions.append(.fail(token, error)) }
        }
        for queued in removeAllQueued() {
            if let token = queued.token { actions.append(.fail(token, error)) }
        }
        inboundQoS2.removeAll()
    }
}
