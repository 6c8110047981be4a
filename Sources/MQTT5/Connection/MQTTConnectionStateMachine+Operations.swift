import NIOCore

extension MQTTConnectionStateMachine {
    // MARK: Submitting

    /// Takes an operation from the application: validates it, then sends it, queues it (no
    /// connection, the broker's Receive Maximum reached, or older operations waiting), or fails it.
    ///
    /// The packet identifier of the packet is ignored; one is assigned when it is sent.
    mutating func submit(
        _ operation: Operation, token: Token?, aliasPolicy: MQTTTopicAliasPolicy? = nil, now: NIODeadline,
        into actions: inout [Action]
    ) {
        let size: Int
        switch validate(operation) {
        case .success(let value):
            size = value
        case .failure(let error):
            if let token { actions.append(.fail(token, error)) }
            return
        }
        let queued = QueuedOperation(operation: operation, token: token, size: size, aliasPolicy: aliasPolicy)
        if case .connected = phase, queue.isEmpty, canSend(operation) {
            switch admit(queued, now: now) {
            case .now:
                sendOperation(queued, now: now, into: &actions)
                return
            case .reject(let message):
                if let token { actions.append(.fail(token, MQTTError(code: .invalidArgument, message: message))) }
                return
            case .wait, .held:
                break  // queued below
            }
        }
        if phase != .connected, !Self.survivesDisconnection(operation, configuration.offlineQueue.behavior) {
            if let token {
                let error = MQTTError(
                    code: .offline,
                    message:
                        "not connected, and the offline queue policy \(configuration.offlineQueue.behavior) rejects \(Self.describe(operation))"
                )
                actions.append(.fail(token, error))
            }
            return
        }
        enqueue(queued, into: &actions)
        if throttle.isActive { drainQueue(now: now, into: &actions) }  // past a held SUBSCRIBE
    }

    /// Adds to the queue, applying the capacity and drop behaviour.
    mutating func enqueue(_ operation: QueuedOperation, into actions: inout [Action]) {
        if let capacity = configuration.offlineQueue.capacity, queue.count >= capacity {
            let error = MQTTError(code: .queueFull, message: "the operation queue is full (capacity \(capacity))")
            if configuration.offlineQueue.dropBehavior == .dropNewest || capacity <= 0 {
                if let token = operation.token { actions.append(.fail(token, error)) }
                return
            }
            while queue.count >= capacity, let oldest = popQueued() {
                journalRemove(oldest.key)
                if let token = oldest.token { actions.append(.fail(token, error)) }
            }
        }
        var operation = operation
        journalQueued(&operation)
        addQueued(operation)
    }

    /// Checks what can be checked without a connection and computes the encoded size.
    func validate(_ operation: Operation) -> Result<Int, MQTTError> {
        do {
            switch operation {
            case .publish(let packet):
                return MQTTPublishChecks.validate(
                    packet, version: version, extendedValidation: configuration.extendedValidation)
            case .subscribe(let packet):
                guard !packet.subscriptions.isEmpty else {
                    return .failure(
                        MQTTError(code: .invalidArgument, message: "SUBSCRIBE needs at least one subscription"))
                }
                if let problem = configuration.extendedValidation.check(subscriptionCount: packet.subscriptions.count) {
                    return .failure(MQTTError(code: .invalidArgument, message: problem))
                }
                for subscription in packet.subscriptions {
                    if let problem = configuration.extendedValidation.check(topic: subscription.topicFilter) {
                        return .failure(MQTTError(code: .invalidArgument, message: problem))
                    }
                    do {
                        let filter = try MQTTTopicFilter(subscription.topicFilter)
                        if filter.isShared && subscription.noLocal {
                            return .failure(
                                MQTTError(
                                    code: .invalidArgument,
                                    message: "No Local is not allowed on the shared subscription '\(filter)'"))
                        }
                    } catch {
                        return .failure(
                            MQTTError(code: .invalidArgument, message: "invalid topic filter: \(error)", cause: error))
                    }
                }
                return .success(try MQTTPacketSize.subscribe(packet, version: version))
            case .unsubscribe(let packet):
                guard !packet.topicFilters.isEmpty else {
                    return .failure(
                        MQTTError(code: .invalidArgument, message: "UNSUBSCRIBE needs at least one topic filter"))
                }
                for filter in packet.topicFilters {
                    do {
                        try MQTTTopic.validateFilter(filter)
                    } catch {
                        return .failure(
                            MQTTError(code: .invalidArgument, message: "invalid topic filter: \(error)", cause: error))
                    }
                }
                return .success(try MQTTPacketSize.unsubscribe(packet, version: version))
            }
        } catch {
            return .failure(
                MQTTError(
                    code: .invalidArgument, message: "invalid \(Self.describe(operation)): \(error.message)",
                    cause: error))
        }
    }

    /// Checks `operation` against what the broker allows on this connection.
    func checkAgainstBroker(_ operation: Operation, size: Int) -> MQTTError? {
        guard let negotiated else { return nil }
        if case .publish(let packet) = operation {
            return MQTTPublishChecks.check(packet, size: size, against: .init(negotiated))
        }
        if size > Int(negotiated.maximumPacketSizeToServer) {
            return MQTTError(
                code: .packetTooLarge,
                message:
                    "the \(Self.describe(operation)) is \(size) bytes; the broker accepts at most \(negotiated.maximumPacketSizeToServer)"
            )
        }
        switch operation {
        case .publish:
            break
        case .subscribe(let packet):
            if !packet.properties.subscriptionIdentifiers.isEmpty && !negotiated.subscriptionIdentifiersAvailable {
                return MQTTError(
                    code: .notSupportedByServer, message: "the broker does not support subscription identifiers")
            }
            for subscription in packet.subscriptions {
                let filter = subscription.topicFilter
                if !negotiated.sharedSubscriptionsAvailable && filter.hasPrefix(MQTTTopic.sharedSubscriptionPrefix) {
                    return MQTTError(
                        code: .notSupportedByServer,
                        message: "the broker does not support shared subscriptions ('\(filter)')")
                }
                if !negotiated.wildcardSubscriptionsAvailable && MQTTTopic.hasWildcards(filter) {
                    return MQTTError(
                        code: .notSupportedByServer,
                        message: "the broker does not support wildcard subscriptions ('\(filter)')")
                }
            }
        case .unsubscribe:
            break
        }
        return nil
    }

    /// Whether `operation` can be sent now (Receive Maximum and packet identifiers permitting).
    func canSend(_ operation: Operation) -> Bool {
        switch operation {
        case .publish(let packet):
            if packet.qos == .atMostOnce { return true }
            let limit = Int(negotiated?.receiveMaximumFromServer ?? 65_535)
            return publishesInFlight < limit && inFlight.count < Int(UInt16.max)
        case .subscribe, .unsubscribe:
            return inFlight.count < Int(UInt16.max)
        }
    }

    /// Sends queued operations while the broker's Receive Maximum allows.
    mutating func drainQueue(now: NIODeadline, into actions: inout [Action]) {
        guard !throttle.isActive else {
            drainThrottled(now: now, into: &actions)
            return
        }
        while case .connected = phase, let first = queue.first, canSend(first.operation) {
            guard let operation = popQueued() else { break }
            sendOperation(operation, now: now, into: &actions)
        }
    }

    /// Sends one operation on the open connection.
    mutating func sendOperation(_ queued: QueuedOperation, now: NIODeadline, into actions: inout [Action]) {
        if let error = checkAgainstBroker(queued.operation, size: queued.size) {
            journalRemove(queued.key)
            if let token = queued.token { actions.append(.fail(token, error)) }
            return
        }
        switch queued.operation {
        case .publish(var packet):
            packet.properties.subscriptionIdentifiers = []
            if packet.qos == .atMostOnce {
                packet.packetIdentifier = nil
                packet.dup = false
                if let error = applyTopicAlias(to: &packet, policy: queued.aliasPolicy) {
                    if let token = queued.token { actions.append(.fail(token, error)) }
                    return
                }
                send(.publish(packet), now: now, into: &actions)
                if let token = queued.token {
                    actions.append(.succeedPublish(token, MQTTPublishResult(qos: .atMostOnce)))
                }
                return
            }
            guard let identifier = allocatePacketIdentifier() else {
                addQueued(queued, atFront: true)
                return
            }
            packet.packetIdentifier = identifier
            packet.dup = false
            var wire = packet
            packet.properties.topicAlias = nil
            if let error = applyTopicAlias(to: &wire, policy: queued.aliasPolicy) {
                journalRemove(queued.key)
                if let token = queued.token { actions.append(.fail(token, error)) }
                return
            }
            let entry = InFlightOperation(
                operation: .publish(packet),
                stage: packet.qos == .atLeastOnce ? .awaitingPubAck : .awaitingPubRec,
                token: queued.token,
                size: queued.size,
                sentAt: now,
                sequence: queued.key != 0 ? queued.key : takeSequence(),
                isRecovered: queued.isRecovered
            )
            insertInFlight(entry, identifier: identifier)
            journalSent(entry, identifier: identifier, isNew: queued.key == 0)
            send(.publish(wire), now: now, into: &actions)
        case .subscribe(var packet):
            guard let identifier = allocatePacketIdentifier() else {
                addQueued(queued, atFront: true)
                return
            }
            packet.packetIdentifier = identifier
            insertInFlight(
                InFlightOperation(
                    operation: .subscribe(packet), stage: .awaitingSubAck, token: queued.token, size: queued.size,
                    sentAt: now, sequence: takeSequence()),
                identifier: identifier
            )
            send(.subscribe(packet), now: now, into: &actions)
        case .unsubscribe(var packet):
            guard let identifier = allocatePacketIdentifier() else {
                addQueued(queued, atFront: true)
                return
            }
            packet.packetIdentifier = identifier
            insertInFlight(
                InFlightOperation(
                    operation: .unsubscribe(packet), stage: .awaitingUnsubAck, token: queued.token, size: queued.size,
                    sentAt: now, sequence: takeSequence()),
                identifier: identifier
            )
            send(.unsubscribe(packet), now: now, into: &actions)
        }
        noteSent(at: now)
    }

    // MARK: Acknowledgements

    mutating func handlePubAck(_ pubAck: MQTTPubAckPacket, now: NIODeadline, into actions: inout [Action]) {
        guard let entry = inFlight[pubAck.packetIdentifier], case .awaitingPubAck = entry.stage else {
            return  // unknown (timed out, or a broker bug): nothing to complete
        }
        _ = removeInFlight(pubAck.packetIdentifier)
        journalRemove(entry.sequence)
        if let token = entry.token {
            actions.append(.succeedPublish(token, MQTTPublishResult(qos: .atLeastOnce, pubAck: pubAck)))
        }
        drainQueue(now: now, into: &actions)
    }

    mutating func handlePubRec(_ pubRec: MQTTPubRecPacket, now: NIODeadline, into actions: inout [Action]) {
        let identifier = pubRec.packetIdentifier
        guard let entry = inFlight[identifier] else {
            send(
                .pubRel(MQTTPubRelPacket(packetIdentifier: identifier, reasonCode: .packetIdentifierNotFound)),
                now: now, into: &actions)
            return
        }
        switch entry.stage {
        case .awaitingPubRec:
            if pubRec.reasonCode.isError {
                _ = removeInFlight(identifier)
                journalRemove(entry.sequence)
                if let token = entry.token {
                    actions.append(.succeedPublish(token, MQTTPublishResult(qos: .exactlyOnce, pubRec: pubRec)))
                }
                drainQueue(now: now, into: &actions)
                return
            }
            inFlight[identifier]?.stage = .awaitingPubComp(pubRec)
            journalReleased(entry, identifier: identifier)
            send(.pubRel(MQTTPubRelPacket(packetIdentifier: identifier)), now: now, into: &actions)
        case .awaitingPubComp:
            send(.pubRel(MQTTPubRelPacket(packetIdentifier: identifier)), now: now, into: &actions)
        case .awaitingPubAck, .awaitingSubAck, .awaitingUnsubAck:
            protocolViolation(
                .protocolError, "PUBREC for packet identifier \(identifier), which is not a QoS 2 publish",
                into: &actions)
        }
    }

    mutating func handlePubComp(_ pubComp: MQTTPubCompPacket, now: NIODeadline, into actions: inout [Action]) {
        guard let entry = inFlight[pubComp.packetIdentifier], case .awaitingPubComp(let pubRec) = entry.stage else {
            return
        }
        _ = removeInFlight(pubComp.packetIdentifier)
        journalRemove(entry.sequence)
        if let token = entry.token {
            actions.append(
                .succeedPublish(token, MQTTPublishResult(qos: .exactlyOnce, pubRec: pubRec, pubComp: pubComp)))
        }
        drainQueue(now: now, into: &actions)
    }

    mutating func handleSubAck(_ subAck: MQTTSubAckPacket, now: NIODeadline, into actions: inout [Action]) {
        guard let entry = inFlight[subAck.packetIdentifier], case .awaitingSubAck = entry.stage else { return }
        _ = removeInFlight(subAck.packetIdentifier)
        if case .subscribe(let packet) = entry.operation {
            throttle.subscribeAcknowledged(packet.subscriptions.map(\.topicFilter), reasonCodes: subAck.reasonCodes)
        }
        if let token = entry.token { actions.append(.succeedSubscribe(token, subAck)) }
        drainQueue(now: now, into: &actions)
    }

    mutating func handleUnsubAck(_ unsubAck: MQTTUnsubAckPacket, now: NIODeadline, into actions: inout [Action]) {
        guard let entry = inFlight[unsubAck.packetIdentifier], case .awaitingUnsubAck = entry.stage else { return }
        _ = removeInFlight(unsubAck.packetIdentifier)
        if case .unsubscribe(let packet) = entry.operation {
            throttle.unsubscribeAcknowledged(packet.topicFilters, reasonCodes: unsubAck.reasonCodes)
        }
        if let token = entry.token { actions.append(.succeedUnsubscribe(token, unsubAck)) }
        drainQueue(now: now, into: &actions)
    }

    // MARK: Cancellation

    /// Fails the first operation whose token matches with ``MQTTError/Code/cancelled``. A queued
    /// operation is removed; a sent one keeps its protocol flow but no longer reports.
    mutating func cancel(where matches: (Token) -> Bool, into actions: inout [Action]) {
        let error = MQTTError(code: .cancelled, message: "the operation was cancelled")
        if let index = queue.firstIndex(where: { $0.token.map(matches) ?? false }) {
            let removed = removeQueued(at: index)
            journalRemove(removed.key)
            if let token = removed.token { actions.append(.fail(token, error)) }
            return
        }
        if let (identifier, entry) = inFlight.first(where: { $0.value.token.map(matches) ?? false }),
            let token = entry.token
        {
            inFlight[identifier]?.token = nil
            actions.append(.fail(token, error))
        }
    }

    static func describe(_ operation: Operation) -> String {
        switch operation {
        case .publish(let packet): MQTTPublishChecks.describe(packet)
        case .subscribe(let packet):
            "SUBSCRIBE to \(packet.subscriptions.map { "'\($0.topicFilter)'" }.joined(separator: ", "))"
        case .unsubscribe(let packet):
            "UNSUBSCRIBE from \(packet.topicFilters.map { "'\($0)'" }.joined(separator: ", "))"
        }
    }
}
