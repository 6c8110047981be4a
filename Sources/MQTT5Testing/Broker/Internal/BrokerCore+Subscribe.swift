import MQTT5
import NIOCore

extension BrokerCore {
    func handleSubscribe(_ packet: MQTTSubscribePacket, on connection: BrokerConnection) {
        guard let session = connection.session, let clientID = connection.clientID else { return }
        let capabilities = connection.capabilities
        let identifier = packet.properties.subscriptionIdentifiers.first
        if identifier != nil && !capabilities.subscriptionIdentifiersAvailable {
            disconnect(connection, reasonCode: .subscriptionIdentifiersNotSupported)
            return
        }
        let override = shared.currentFaults.subscribeResult
        var codes: [MQTTSubAckReasonCode] = []
        var retainedFor: [BrokerSubscription] = []
        for requested in packet.subscriptions {
            let filter: MQTTTopicFilter
            do {
                filter = try MQTTTopicFilter(requested.topicFilter)
            } catch {
                codes.append(.topicFilterInvalid)
                continue
            }
            if filter.isShared && requested.noLocal {
                disconnect(connection, reasonCode: .protocolError, reasonString: "No Local on a shared subscription")
                return
            }
            let code: MQTTSubAckReasonCode
            if let forced = override?(clientID, requested) {
                code = forced
            } else if filter.isShared && !capabilities.sharedSubscriptionAvailable {
                code = .sharedSubscriptionsNotSupported
            } else if filter.hasWildcards && !capabilities.wildcardSubscriptionAvailable {
                code = .wildcardSubscriptionsNotSupported
            } else {
                code = Self.grantedCode(min(requested.qos, capabilities.maximumQoS))
            }
            codes.append(code)
            guard let grantedQoS = Self.grantedQoS(code) else { continue }

            var granted = requested
            granted.qos = grantedQoS
            let isNew = session.subscriptions[requested.topicFilter] == nil
            let subscription = BrokerSubscription(subscription: granted, filter: filter, identifier: identifier)
            addSubscription(subscription, to: session)
            let sendsRetained =
                switch requested.retainHandling {
                case .sendOnSubscribe: true
                case .sendOnSubscribeIfNew: isNew
                case .doNotSend: false
                }
            if sendsRetained && !filter.isShared { retainedFor.append(subscription) }
        }
        let subAck = MQTTSubAckPacket(packetIdentifier: packet.packetIdentifier, reasonCodes: codes)
        // Retained messages follow the SUBACK (or its injected delay).
        sendAck(.subAck(subAck), on: connection) { [weak self, weak session] in
            guard let self, let session, !retainedFor.isEmpty else { return }
            self.deliverRetained(for: retainedFor, to: session)
        }
    }

    func handleUnsubscribe(_ packet: MQTTUnsubscribePacket, on connection: BrokerConnection) {
        guard let session = connection.session, let clientID = connection.clientID else { return }
        let override = shared.currentFaults.unsubscribeResult
        var codes: [MQTTUnsubAckReasonCode] = []
        for filter in packet.topicFilters {
            if let forced = override?(clientID, filter) {
                if !forced.isError { removeSubscription(filter, from: session) }
                codes.append(forced)
            } else if !MQTTTopic.isValidFilter(filter) {
                codes.append(.topicFilterInvalid)
            } else {
                codes.append(removeSubscription(filter, from: session) ? .success : .noSubscriptionExisted)
            }
        }
        sendAck(
            .unsubAck(MQTTUnsubAckPacket(packetIdentifier: packet.packetIdentifier, reasonCodes: codes)), on: connection
        )
    }

    private func deliverRetained(for subscriptions: [BrokerSubscription], to session: BrokerSession) {
        let now = NIODeadline.now()
        for topic in retained.keys.sorted() {
            guard let message = retained[topic] else { continue }
            guard message.remaining(at: now) != nil else {
                retained.removeValue(forKey: topic)
                continue
            }
            for subscription in subscriptions where subscription.filter.matches(topic) {
                deliver(
                    message.publish,
                    qos: min(message.publish.qos, subscription.subscription.qos),
                    identifiers: subscription.identifier.map { [$0] } ?? [],
                    retain: true,
                    to: session,
                    receivedAt: message.receivedAt
                )
            }
        }
    }

    // MARK: Subscription index

    /// Adds or replaces a subscription of `session` and indexes it for routing.
    func addSubscription(_ subscription: BrokerSubscription, to session: BrokerSession) {
        let raw = subscription.subscription.topicFilter
        session.subscriptions[raw] = subscription
        if let shareName = subscription.filter.shareName {
            let key = SharedGroupKey(shareName: shareName, filter: subscription.filter.filter)
            sharedSubscribers.insert(key, for: key.filter)
            var group = sharedGroups[key] ?? SharedGroup()
            if !group.members.contains(session.clientID) { group.members.append(session.clientID) }
            sharedGroups[key] = group
        } else {
            subscribers.insert(SubscriberKey(clientID: session.clientID, filter: raw), for: raw)
        }
    }

    /// Removes a subscription of `session` from it and from the index. Returns whether it existed.
    @discardableResult
    func removeSubscription(_ raw: String, from session: BrokerSession) -> Bool {
        guard let subscription = session.subscriptions.removeValue(forKey: raw) else { return false }
        if let shareName = subscription.filter.shareName {
            let key = SharedGroupKey(shareName: shareName, filter: subscription.filter.filter)
            if var group = sharedGroups[key] {
                group.members.removeAll { $0 == session.clientID }
                if group.members.isEmpty {
                    sharedGroups.removeValue(forKey: key)
                    sharedSubscribers.remove(key, for: key.filter)
                } else {
                    group.next %= group.members.count
                    sharedGroups[key] = group
                }
            }
        } else {
            subscribers.remove(SubscriberKey(clientID: session.clientID, filter: raw), for: raw)
        }
        return true
    }

    static func grantedCode(_ qos: MQTTQoS) -> MQTTSubAckReasonCode {
        switch qos {
        case .atMostOnce: .grantedQoS0
        case .atLeastOnce: .grantedQoS1
        case .exactlyOnce: .grantedQoS2
        }
    }

    static func grantedQoS(_ code: MQTTSubAckReasonCode) -> MQTTQoS? {
        switch code {
        case .grantedQoS0: .atMostOnce
        case .grantedQoS1: .atLeastOnce
        case .grantedQoS2: .exactlyOnce
        default: nil
        }
    }
}
