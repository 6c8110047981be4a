import MQTT5
import NIOCore
import Logging

extension BrokerCore {
    // MARK: Inbound PUBLISH and its acknowledgements

    func handlePublish(_ incoming: MQTTPublishPacket, on connection: BrokerConnection) {
        guard let session = connection.session, let clientID = connection.clientID else { return }
        var publish = incoming
        if connection.version == .v5_0 {
            if publish.qos > connection.capabilities.maximumQoS {
                disconnect(
                    connection, reasonCode: .qosNotSupported,
                    reasonString: "QoS \(publish.qos.rawValue) above the maximum QoS")
                return
            }
            if publish.retain && !connection.capabilities.retainAvailable {
                disconnect(connection, reasonCode: .retainNotSupported, reasonString: "retain is unavailable")
                return
            }
            if let alias = publish.properties.topicAlias {
                guard alias >= 1, alias <= connection.serverTopicAliasMaximum else {
                    disconnect(
                        connection, reasonCode: .topicAliasInvalid, reasonString: "topic alias \(alias) out of range")
                    return
                }
                if publish.topic.isEmpty {
                    guard let topic = connection.inboundTopicAliases[alias] else {
                        disconnect(connection, reasonCode: .protocolError, reasonString: "unknown topic alias \(alias)")
                        return
                    }
                    publish.topic = topic
                } else {
                    connection.inboundTopicAliases[alias] = publish.topic
                }
                publish.properties.topicAlias = nil
            }
        }
        guard MQTTTopic.isValidName(publish.topic) else {
            disconnect(connection, reasonCode: .topicNameInvalid, reasonString: "invalid topic name")
            return
        }

        let result = shared.currentFaults.publishResult?(clientID, publish)
        let rejected = result?.isError ?? false
        switch publish.qos {
        case .atMostOnce:
            if !rejected { route(publish, from: clientID) }
        case .atLeastOnce:
            guard let id = publish.packetIdentifier else { return }
            if !rejected { route(publish, from: clientID) }
            sendAck(.pubAck(MQTTPubAckPacket(packetIdentifier: id, reasonCode: result ?? .success)), on: connection)
        case .exactlyOnce:
            guard let id = publish.packetIdentifier else { return }
            guard !session.inboundQoS2.contains(id) else {
                // A retransmission: already routed, acknowledge again.
                sendAck(.pubRec(MQTTPubRecPacket(packetIdentifier: id)), on: connection)
                return
            }
            guard session.inboundQoS2.count < connection.serverReceiveMaximum else {
                disconnect(
                    connection, reasonCode: .receiveMaximumExceeded,
                    reasonString: "more than \(connection.serverReceiveMaximum) QoS 2 messages unreleased")
                return
            }
            let code =
                result.flatMap { MQTTPubRecReasonCode(rawValue: $0.rawValue) }
                ?? (rejected ? .unspecifiedError : .success)
            if !rejected {
                route(publish, from: clientID)
                session.inboundQoS2.insert(id)
            }
            sendAck(.pubRec(MQTTPubRecPacket(packetIdentifier: id, reasonCode: code)), on: connection)
        }
    }

    func handlePubRel(_ packet: MQTTPubRelPacket, on connection: BrokerConnection) {
        guard let session = connection.session else { return }
        let known = session.inboundQoS2.remove(packet.packetIdentifier) != nil
        let comp = MQTTPubCompPacket(
            packetIdentifier: packet.packetIdentifier, reasonCode: known ? .success : .packetIdentifierNotFound)
        sendAck(.pubComp(comp), on: connection)
    }

    // MARK: Outbound acknowledgements from the client

    func handlePubAck(_ packet: MQTTPubAckPacket, on connection: BrokerConnection) {
        guard let session = connection.session else { return }
        guard session.inflight[packet.packetIdentifier]?.state == .awaitingPubAck else {
            logger.debug(
                "PUBACK for an unknown packet identifier",
                metadata: ["mqtt.client_id": "\(session.clientID)", "id": "\(packet.packetIdentifier)"])
            return
        }
        session.removeInflight(packet.packetIdentifier)
        pump(session)
    }

    func handlePubRec(_ packet: MQTTPubRecPacket, on connection: BrokerConnection) {
        guard let session = connection.session else { return }
        let id = packet.packetIdentifier
        guard let message = session.inflight[id], message.state != .awaitingPubAck else {
            sendAck(
                .pubRel(MQTTPubRelPacket(packetIdentifier: id, reasonCode: .packetIdentifierNotFound)), on: connection)
            return
        }
        if packet.reasonCode.isError {
            session.removeInflight(id)
            pump(session)
            return
        }
        session.inflight[id]?.state = .awaitingPubComp
        sendAck(.pubRel(MQTTPubRelPacket(packetIdentifier: id)), on: connection)
    }

    func handlePubComp(_ packet: MQTTPubCompPacket, on connection: BrokerConnection) {
        guard let session = connection.session else { return }
        guard session.inflight[packet.packetIdentifier]?.state == .awaitingPubComp else {
            logger.debug(
                "PUBCOMP for an unknown packet identifier",
                metadata: ["mqtt.client_id": "\(session.clientID)", "id": "\(packet.packetIdentifier)"])
            return
        }
        session.removeInflight(packet.packetIdentifier)
        pump(session)
    }

    // MARK: Routing

    /// Routes an application message to every matching subscription: one copy per session with
    /// the highest matching QoS and every matching subscription identifier, and one copy per
    /// shared subscription group. Stores or clears the retained message first.
    ///
    /// - Parameter publisherID: The client that published it (for No Local), `nil` for the broker.
    func route(_ publish: MQTTPublishPacket, from publisherID: String?) {
        guard !isShutDown else { return }
        let now = NIODeadline.now()
        if publish.retain, shared.currentCapabilities.retainAvailable {
            if publish.payload.readableBytes == 0 {
                retained.removeValue(forKey: publish.topic)
            } else {
                var stored = publish
                stored.dup = false
                stored.packetIdentifier = nil
                stored.properties.subscriptionIdentifiers = []
                stored.properties.topicAlias = nil
                retained[publish.topic] = QueuedMessage(publish: stored, receivedAt: now)
            }
        }

        struct Target {
            var qos: MQTTQoS
            var identifiers: [UInt32]
            var retainAsPublished: Bool
        }
        var targets: [String: Target] = [:]
        subscribers.forEachMatch(of: publish.topic) { key in
            guard let subscription = sessions[key.clientID]?.subscriptions[key.filter] else { return }
            if subscription.subscription.noLocal && key.clientID == publisherID { return }
            var target = targets[key.clientID] ?? Target(qos: .atMostOnce, identifiers: [], retainAsPublished: false)
            target.qos = max(target.qos, subscription.subscription.qos)
            if let identifier = subscription.identifier { target.identifiers.append(identifier) }
            target.retainAsPublished = target.retainAsPublished || subscription.subscription.retainAsPublished
            targets[key.clientID] = target
        }
        for clientID in targets.keys.sorted() {
            guard let target = targets[clientID], let session = sessions[clientID] else { continue }
            deliver(
                publish,
                qos: min(publish.qos, target.qos),
                identifiers: target.identifiers.sorted(),
                retain: target.retainAsPublished && publish.retain,
                to: session,
                receivedAt: now
            )
        }

        var groups = Set<SharedGroupKey>()
        sharedSubscribers.forEachMatch(of: publish.topic) { groups.insert($0) }
        for key in groups.sorted(by: { $0.rawFilter < $1.rawFilter }) {
            deliverShared(publish, to: key, receivedAt: now)
        }
    }

    /// Delivers to one member of a shared group, round-robin, preferring connected members.
    private func deliverShared(_ publish: MQTTPublishPacket, to key: SharedGroupKey, receivedAt: NIODeadline) {
        guard var group = sharedGroups[key], !group.members.isEmpty else { return }
        let count = group.members.count
        var chosen = group.next % count
        for offset in 0..<count {
            let index = (group.next + offset) % count
            if sessions[group.members[index]]?.connection?.isConnected == true {
                chosen = index
                break
            }
        }
        group.next = (chosen + 1) % count
        sharedGroups[key] = group
        guard let session = sessions[group.members[chosen]],
            let subscription = session.subscriptions[key.rawFilter]
        else { return }
        deliver(
            publish,
            qos: min(publish.qos, subscription.subscription.qos),
            identifiers: subscription.identifier.map { [$0] } ?? [],
            retain: subscription.subscription.retainAsPublished && publish.retain,
            to: session,
            receivedAt: receivedAt
        )
    }

    /// Delivers one copy to `session`: QoS 0 at once if connected (dropped otherwise), QoS 1 and
    /// 2 through the session's queue, which respects the client's Receive Maximum.
    func deliver(
        _ message: MQTTPublishPacket,
        qos: MQTTQoS,
        identifiers: [UInt32],
        retain: Bool,
        to session: BrokerSession,
        receivedAt: NIODeadline
    ) {
        var publish = message
        publish.qos = qos
        publish.retain = retain
        publish.dup = false
        publish.packetIdentifier = nil
        publish.properties.topicAlias = nil
        publish.properties.subscriptionIdentifiers = identifiers
        let queued = QueuedMessage(publish: publish, receivedAt: receivedAt)
        guard qos > .atMostOnce else {
            guard let connection = session.connection, connection.isConnected,
                let publish = queued.remaining(at: .now()),
                fits(publish, on: connection)
            else { return }
            sendPublish(publish, on: connection)
            return
        }
        session.queue.append(queued)
        pump(session)
    }

    /// Sends queued QoS 1 and 2 messages while the client's Receive Maximum allows.
    func pump(_ session: BrokerSession) {
        guard let connection = session.connection, connection.isConnected else { return }
        let now = NIODeadline.now()
        while session.inflight.count < connection.clientReceiveMaximum, !session.queue.isEmpty {
            let queued = session.queue.removeFirst()
            guard var publish = queued.remaining(at: now) else { continue }
            guard fits(publish, on: connection) else { continue }
            let id = session.allocatePacketIdentifier()
            publish.packetIdentifier = id
            let state: InflightMessage.State = publish.qos == .atLeastOnce ? .awaitingPubAck : .awaitingPubRec
            session.addInflight(InflightMessage(publish: publish, state: state), id: id)
            sendPublish(publish, on: connection)
        }
    }

    /// Whether `publish` fits the client's Maximum Packet Size; a message that does not is
    /// discarded, as the specification requires.
    private func fits(_ publish: MQTTPublishPacket, on connection: BrokerConnection) -> Bool {
        guard let limit = connection.clientMaximumPacketSize else { return true }
        var probe = publish
        if probe.qos > .atMostOnce, probe.packetIdentifier == nil { probe.packetIdentifier = 1 }
        var buffer = ByteBuffer()
        do {
            try MQTTPacket.publish(probe).encode(into: &buffer, version: connection.version, maximumPacketSize: limit)
            return true
        } catch {
            logger.debug(
                "discarding a message larger than the client's maximum packet size",
                metadata: ["mqtt.client_id": "\(connection.recordID)", "mqtt.topic": "\(publish.topic)"]
            )
            return false
        }
    }

    /// Writes a PUBLISH, replacing its topic by a topic alias when that fault is on, subject to
    /// ``MQTTTestBroker/Faults/publishFault``.
    func sendPublish(_ publish: MQTTPublishPacket, on connection: BrokerConnection) {
        var wire = publish
        if connection.version == .v5_0, connection.clientTopicAliasMaximum > 0,
            shared.currentFaults.usesTopicAliasesOnOutboundPublishes
        {
            if let alias = connection.outboundTopicAliases[wire.topic] {
                wire.properties.topicAlias = alias
                wire.topic = ""
            } else if connection.outboundTopicAliases.count < Int(connection.clientTopicAliasMaximum) {
                let alias = UInt16(connection.outboundTopicAliases.count + 1)
                connection.outboundTopicAliases[wire.topic] = alias
                wire.properties.topicAlias = alias
            }
        }
        let fault = shared.currentFaults.publishFault?(connection.recordID, wire) ?? .send
        switch fault.kind {
        case .send:
            send(.publish(wire), on: connection)
        case .drop:
            logger.debug(
                "dropping PUBLISH",
                metadata: ["mqtt.client_id": "\(connection.recordID)", "mqtt.topic": "\(publish.topic)"])
        case .replace(let replacement):
            send(replacement, on: connection)
        case .delay(let delay):
            eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [weak self, weak connection] in
                guard let self, let connection, connection.isConnected else { return }
                self.send(.publish(wire), on: connection)
            }
        }
    }
}
