import MQTT5
import NIOCore
import Logging

extension BrokerCore {
    /// Handles CONNECT: assigns an identifier if needed, applies the connect fault, takes over or
    /// resumes the session, answers CONNACK and resends what the session still owes the client.
    func handleConnect(_ connect: MQTTConnectPacket, on connection: BrokerConnection) {
        connection.timer?.cancel()
        connection.timer = nil
        connection.version = connect.protocolVersion
        connection.codecSettings.version = connect.protocolVersion

        var clientID = connect.clientIdentifier
        let assigned = clientID.isEmpty
        if assigned { clientID = assignClientIdentifier() }
        connection.clientID = clientID
        record(.connect(connect), .received, on: connection)

        if assigned && connect.protocolVersion.isV3 && !connect.cleanStart {
            refuse(connection, .clientIdentifierNotValid)
            return
        }
        if let fault = shared.currentFaults.connectFault?(connect) {
            switch fault.kind {
            case .neverAnswer:
                logger.debug("leaving CONNECT unanswered", metadata: ["mqtt.client_id": "\(clientID)"])
                connection.state = .connectIgnored
                return
            case .close:
                logger.debug("closing instead of answering CONNECT", metadata: ["mqtt.client_id": "\(clientID)"])
                connection.close()
                return
            case .refuse(let reasonCode, let reasonString, let serverReference):
                refuse(connection, reasonCode, reasonString: reasonString, serverReference: serverReference)
                return
            case .delay(let delay):
                logger.debug("delaying CONNACK", metadata: ["mqtt.client_id": "\(clientID)", "delay": "\(delay)"])
                connection.state = .connectIgnored
                eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [weak self, weak connection] in
                    guard let self, let connection, connection.state == .connectIgnored, !self.isShutDown else {
                        return
                    }
                    self.acceptConnect(connect, clientID: clientID, assigned: assigned, on: connection)
                }
                return
            }
        }
        acceptConnect(connect, clientID: clientID, assigned: assigned, on: connection)
    }

    /// Accepts a CONNECT that passed the connect fault: checks it against the capabilities,
    /// takes over or resumes the session and answers CONNACK.
    private func acceptConnect(
        _ connect: MQTTConnectPacket, clientID: String, assigned: Bool, on connection: BrokerConnection
    ) {
        let capabilities = shared.currentCapabilities
        if connect.protocolVersion == .v5_0 {
            if connect.properties.authenticationMethod != nil {
                refuse(
                    connection, .badAuthenticationMethod,
                    reasonString: "the test broker supports no enhanced authentication")
                return
            }
            if let will = connect.will {
                if will.qos > capabilities.maximumQoS {
                    refuse(connection, .qosNotSupported, reasonString: "will QoS above the maximum QoS")
                    return
                }
                if will.retain && !capabilities.retainAvailable {
                    refuse(connection, .retainNotSupported, reasonString: "retained will while retain is unavailable")
                    return
                }
            }
        }

        // Session takeover.
        if let existing = sessions[clientID], let old = existing.connection {
            takeOver(old, of: existing, cleanStart: connect.cleanStart)
        }

        // Session state.
        let session: BrokerSession
        var sessionPresent = false
        if let existing = sessions[clientID], !connect.cleanStart {
            existing.cancelTimers()
            if let pending = existing.pendingWill {
                pending.task.cancel()
                existing.pendingWill = nil
            }
            session = existing
            sessionPresent = true
        } else {
            if let existing = sessions[clientID] { endSession(existing, will: nil) }
            session = BrokerSession(clientID: clientID)
            sessions[clientID] = session
        }

        var grantedExpiry: UInt32?
        if connect.protocolVersion == .v5_0 {
            let (granted, reduced) = cappedSessionExpiry(connect.properties.sessionExpiryInterval ?? 0)
            connection.sessionExpiryInterval = granted
            connection.connectedWithZeroExpiry = (connect.properties.sessionExpiryInterval ?? 0) == 0
            if reduced { grantedExpiry = granted }
        } else {
            connection.sessionExpiryInterval = connect.cleanStart ? 0 : .max
        }
        session.expiryInterval = connection.sessionExpiryInterval

        // Limits both ways.
        connection.capabilities = capabilities
        connection.clientReceiveMaximum = Int(connect.properties.receiveMaximum ?? .max)
        connection.clientMaximumPacketSize = connect.properties.maximumPacketSize
        connection.clientTopicAliasMaximum = connect.properties.topicAliasMaximum ?? 0
        if let limit = connect.properties.maximumPacketSize {
            connection.codecSettings.maximumOutgoingPacketSize = limit
        }
        if let limit = capabilities.maximumPacketSize {
            connection.codecSettings.maximumIncomingPacketSize = limit
        }
        connection.serverReceiveMaximum =
            connect.protocolVersion == .v5_0 ? Int(capabilities.receiveMaximum ?? .max) : Int(UInt16.max)
        connection.serverTopicAliasMaximum = connect.protocolVersion == .v5_0 ? capabilities.topicAliasMaximum : 0
        connection.will = connect.will

        var properties = MQTTProperties()
        var keepAlive = connect.keepAlive
        if connect.protocolVersion == .v5_0 {
            if assigned { properties.assignedClientIdentifier = clientID }
            properties.receiveMaximum = capabilities.receiveMaximum
            properties.maximumPacketSize = capabilities.maximumPacketSize
            if capabilities.maximumQoS < .exactlyOnce { properties.maximumQoS = capabilities.maximumQoS }
            if !capabilities.retainAvailable { properties.retainAvailable = false }
            if capabilities.topicAliasMaximum > 0 { properties.topicAliasMaximum = capabilities.topicAliasMaximum }
            if !capabilities.wildcardSubscriptionAvailable { properties.wildcardSubscriptionAvailable = false }
            if !capabilities.subscriptionIdentifiersAvailable { properties.subscriptionIdentifiersAvailable = false }
            if !capabilities.sharedSubscriptionAvailable { properties.sharedSubscriptionAvailable = false }
            if let serverKeepAlive = capabilities.serverKeepAlive {
                properties.serverKeepAlive = serverKeepAlive
                keepAlive = serverKeepAlive
            }
            properties.sessionExpiryInterval = grantedExpiry
            if connect.properties.requestResponseInformation == true {
                properties.responseInformation = capabilities.responseInformation
            }
        }

        connection.state = .connected
        connection.session = session
        session.connection = connection
        logger.debug(
            "client connected",
            metadata: [
                "mqtt.client_id": "\(clientID)", "version": "\(connect.protocolVersion)",
                "sessionPresent": "\(sessionPresent)",
            ]
        )
        // Recorded before CONNACK is written, so a client that has read its CONNACK finds
        // itself in `connectedClientIDs`.
        shared.observations.record(.connected(clientID: clientID))
        send(
            .connAck(MQTTConnAckPacket(sessionPresent: sessionPresent, reasonCode: .success, properties: properties)),
            on: connection)
        startKeepAlive(on: connection, seconds: keepAlive)
        resume(session, on: connection)
    }

    /// Detaches `old` from `session` for a new connection with the same client identifier and
    /// disconnects it with 0x8E (Session taken over).
    private func takeOver(_ old: BrokerConnection, of session: BrokerSession, cleanStart: Bool) {
        logger.debug("session taken over", metadata: ["mqtt.client_id": "\(session.clientID)"])
        session.connection = nil
        old.session = nil
        shared.observations.record(.disconnected(clientID: session.clientID))
        if !old.discardsWill, let will = old.will {
            // A delayed will is not sent when the session continues on the new connection.
            if (will.properties.willDelayInterval ?? 0) == 0 || cleanStart {
                publishWill(will, of: session.clientID)
            }
        }
        old.will = nil
        disconnect(old, reasonCode: .sessionTakenOver)
    }

    /// Resends unacknowledged messages of a resumed session (PUBLISH with DUP, or PUBREL), then
    /// sends what was queued.
    private func resume(_ session: BrokerSession, on connection: BrokerConnection) {
        for id in session.inflightOrder {
            guard let message = session.inflight[id] else { continue }
            switch message.state {
            case .awaitingPubAck, .awaitingPubRec:
                var publish = message.publish
                publish.dup = true
                sendPublish(publish, on: connection)
            case .awaitingPubComp:
                sendAck(.pubRel(MQTTPubRelPacket(packetIdentifier: id)), on: connection)
            }
        }
        pump(session)
    }

    // MARK: Keep alive

    private func startKeepAlive(on connection: BrokerConnection, seconds: UInt16) {
        guard shared.configuration.enforcesKeepAlive, seconds > 0 else { return }
        let limit = TimeAmount.milliseconds(Int64(seconds) * 1500)
        connection.keepAlive = limit
        scheduleKeepAliveCheck(on: connection, at: connection.lastReceived + limit)
    }

    private func scheduleKeepAliveCheck(on connection: BrokerConnection, at deadline: NIODeadline) {
        connection.timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self, weak connection] in
            guard let self, let connection, connection.isConnected, let limit = connection.keepAlive else { return }
            let due = connection.lastReceived + limit
            if due <= .now() {
                self.logger.info(
                    "keep alive expired; disconnecting", metadata: ["mqtt.client_id": "\(connection.recordID)"])
                self.disconnect(connection, reasonCode: .keepAliveTimeout)
            } else {
                self.scheduleKeepAliveCheck(on: connection, at: due)
            }
        }
    }
}
