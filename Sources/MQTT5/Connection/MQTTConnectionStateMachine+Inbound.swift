import NIOCore

extension MQTTConnectionStateMachine {
    /// A packet arrived from the broker.
    mutating func receive(_ packet: MQTTPacket, now: NIODeadline, into actions: inout [Action]) {
        switch phase {
        case .disconnected, .closing:
            return
        case .connecting(_, let cleanStart):
            switch packet {
            case .connAck(let connAck):
                handleConnAck(connAck, cleanStart: cleanStart, now: now, into: &actions)
            case .auth(let auth):
                handleAuth(auth, now: now, into: &actions)
            case .disconnect(let disconnect):
                handleDisconnect(disconnect, into: &actions)
            default:
                protocolViolation(.protocolError, "\(packet.packetType) before CONNACK", into: &actions)
            }
        case .connected:
            switch packet {
            case .publish(let publish):
                handlePublish(publish, now: now, into: &actions)
            case .pubAck(let pubAck):
                handlePubAck(pubAck, now: now, into: &actions)
            case .pubRec(let pubRec):
                handlePubRec(pubRec, now: now, into: &actions)
            case .pubRel(let pubRel):
                let found = inboundQoS2.remove(pubRel.packetIdentifier) != nil
                if found { journal?.removeInbound(pubRel.packetIdentifier) }
                let pubComp = MQTTPubCompPacket(
                    packetIdentifier: pubRel.packetIdentifier,
                    reasonCode: found || version.isV3 ? .success : .packetIdentifierNotFound
                )
                send(.pubComp(pubComp), now: now, into: &actions)
            case .pubComp(let pubComp):
                handlePubComp(pubComp, now: now, into: &actions)
            case .subAck(let subAck):
                handleSubAck(subAck, now: now, into: &actions)
            case .unsubAck(let unsubAck):
                handleUnsubAck(unsubAck, now: now, into: &actions)
            case .pingResp:
                pingSentAt = nil
            case .disconnect(let disconnect):
                handleDisconnect(disconnect, into: &actions)
            case .auth(let auth):
                handleAuth(auth, now: now, into: &actions)
            case .connect, .connAck, .subscribe, .unsubscribe, .pingReq:
                protocolViolation(.protocolError, "unexpected \(packet.packetType) from the broker", into: &actions)
            }
        }
    }

    /// The bytes from the broker could not be decoded: DISCONNECT with the codec's reason code.
    mutating func decodingFailed(_ error: MQTTCodecError, into actions: inout [Action]) {
        protocolViolation(error.reasonCode, error.message, into: &actions)
    }

    mutating func handlePublish(_ received: MQTTPublishPacket, now: NIODeadline, into actions: inout [Action]) {
        var publish = received
        if let alias = publish.properties.topicAlias {
            guard alias >= 1, alias <= configuration.inboundTopicAliasMaximum else {
                protocolViolation(
                    .topicAliasInvalid, "Topic Alias \(alias) outside 1...\(configuration.inboundTopicAliasMaximum)",
                    into: &actions)
                return
            }
            if publish.topic.isEmpty {
                guard let topic = inboundAliases[alias] else {
                    protocolViolation(
                        .protocolError, "PUBLISH with Topic Alias \(alias), which no earlier PUBLISH bound",
                        into: &actions)
                    return
                }
                publish.topic = topic
            } else {
                inboundAliases[alias] = publish.topic
            }
        }
        switch publish.qos {
        case .atMostOnce:
            actions.append(.deliver(publish, acknowledgement: nil))
        case .atLeastOnce:
            guard let identifier = publish.packetIdentifier else { return }
            let acknowledgement = enqueueAcknowledgement(.pubAck(MQTTPubAckPacket(packetIdentifier: identifier)))
            actions.append(.deliver(publish, acknowledgement: acknowledgement))
        case .exactlyOnce:
            guard let identifier = publish.packetIdentifier else { return }
            if !inboundQoS2.contains(identifier) {
                guard inboundQoS2.count < Int(configuration.receiveMaximum) else {
                    protocolViolation(
                        .receiveMaximumExceeded, "more than \(configuration.receiveMaximum) QoS 2 publishes in flight",
                        into: &actions)
                    return
                }
                inboundQoS2.insert(identifier)
                journal?.addInbound(identifier)
                let acknowledgement = enqueueAcknowledgement(.pubRec(MQTTPubRecPacket(packetIdentifier: identifier)))
                actions.append(.deliver(publish, acknowledgement: acknowledgement))
                return
            }
            // A redelivery of a message already delivered: PUBREC again, behind earlier acknowledgements.
            acknowledge(
                enqueueAcknowledgement(.pubRec(MQTTPubRecPacket(packetIdentifier: identifier))), now: now,
                into: &actions)
        }
    }

    mutating func handleDisconnect(_ disconnect: MQTTDisconnectPacket, into actions: inout [Action]) {
        let error = MQTTError(
            code: .serverDisconnected,
            message: "the broker sent DISCONNECT: \(disconnect.reasonCode)",
            reasonCode: .disconnect(disconnect.reasonCode),
            reasonString: disconnect.properties.reasonString,
            serverReference: disconnect.properties.serverReference
        )
        close(CloseReason(error: error, disconnect: disconnect), into: &actions)
    }

    mutating func handleAuth(_ auth: MQTTAuthPacket, now: NIODeadline, into actions: inout [Action]) {
        guard configuration.enhancedAuthentication else {
            protocolViolation(.protocolError, "AUTH without an authentication method in CONNECT", into: &actions)
            return
        }
        switch auth.reasonCode {
        case .continueAuthentication:
            actions.append(.authenticate(auth))
        case .success:
            guard case .connected = phase, let token = reauthentication else {
                protocolViolation(.protocolError, "AUTH success outside re-authentication", into: &actions)
                return
            }
            reauthentication = nil
            actions.append(.succeedAuth(token, auth))
        case .reAuthenticate:
            protocolViolation(.protocolError, "AUTH re-authenticate sent by the broker", into: &actions)
        }
    }

    // MARK: Timers

    /// Time passed: CONNACK timeout, keep-alive (PINGREQ), ping timeout and acknowledgement timeouts.
    mutating func timerFired(now: NIODeadline, into actions: inout [Action]) {
        switch phase {
        case .connecting(let deadline, _):
            if now >= deadline {
                let error = MQTTError(
                    code: .connAckTimeout, message: "no CONNACK within \(Self.describe(configuration.connAckTimeout))")
                close(CloseReason(error: error), into: &actions)
            }
        case .connected:
            if let pingSentAt {
                if now >= pingSentAt + configuration.pingTimeout {
                    let error = MQTTError(
                        code: .pingTimeout, message: "no PINGRESP within \(Self.describe(configuration.pingTimeout))")
                    close(CloseReason(error: error), into: &actions)
                    return
                }
            } else if let keepAliveInterval, now >= lastSentAt + keepAliveInterval {
                send(.pingReq, now: now, into: &actions)
                pingSentAt = now
            }
            if let hint = ackDeadlineHint, now >= hint, let ackTimeout = configuration.ackTimeout {
                expireAcknowledgements(now: now, timeout: ackTimeout, into: &actions)
            }
            if let pacingDeadline, now >= pacingDeadline {
                self.pacingDeadline = nil
                drainQueue(now: now, into: &actions)
            }
        case .disconnected, .closing:
            break
        }
    }

    mutating func expireAcknowledgements(now: NIODeadline, timeout: TimeAmount, into actions: inout [Action]) {
        var expired: [(UInt16, UInt64)] = []
        var earliest: NIODeadline?
        for (identifier, entry) in inFlight {
            let deadline = entry.sentAt + timeout
            if deadline <= now {
                expired.append((identifier, entry.sequence))
            } else {
                earliest = min(earliest ?? deadline, deadline)
            }
        }
        ackDeadlineHint = earliest
        guard !expired.isEmpty else { return }
        expired.sort { $0.1 < $1.1 }
        for (identifier, _) in expired {
            guard let entry = removeInFlight(identifier) else { continue }
            if case .publish = entry.operation { journalRemove(entry.sequence) }
            if let token = entry.token {
                actions.append(
                    .fail(
                        token,
                        MQTTError(
                            code: .ackTimeout,
                            message:
                                "no acknowledgement of the \(Self.describe(entry.operation)) within \(Self.describe(timeout))"
                        )))
            }
        }
        drainQueue(now: now, into: &actions)
    }

    static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
