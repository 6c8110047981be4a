import MQTT5
import NIOCore

// Opening and closing streaming operations, and halting them.
extension RequestResponseStateMachine {
    mutating func openStream(id: OperationID, filter: MQTTTopicFilter, now: NIODeadline) -> [Action] {
        if isShutDown {
            return [
                .streamEvent(id, .subscriptionStatus(.init(type: .halted, error: .clientShutDown()))),
                .finishStream(id),
            ]
        }
        var actions: [Action] = []
        var stream = StreamOperation(id: id, filter: filter.rawValue, matchFilter: filter.filter, state: .subscribing)
        streamTrie.insert(id, for: stream.matchFilter)
        stream.inTrie = true
        streams[id] = stream
        startStreamAcquire(id, now: now, actions: &actions)
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func closeStream(id: OperationID, now: NIODeadline) -> [Action] {
        var actions: [Action] = [.finishStream(id)]
        guard let stream = streams.removeValue(forKey: id) else { return actions }
        if stream.inTrie { streamTrie.remove(id, for: stream.matchFilter) }
        if stream.state == .blocked { queueDirty = true }
        if stream.holdsSubscription {
            apply(subscriptions.release([stream.filter], listener: id, now: now), now: now, actions: &actions)
        }
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func startStreamAcquire(_ id: OperationID, now: NIODeadline, actions: inout [Action]) {
        guard let stream = streams[id] else { return }
        let (result, managerActions) = subscriptions.acquire(
            [stream.filter], kind: .streaming, listener: id, now: now, reservedAhead: reservedStreaming
        )
        apply(managerActions, now: now, actions: &actions)
        if case .blocked(let needed) = result {
            streams[id]?.state = .blocked
            blockedQueue.append(id)
            reservedStreaming += needed
        } else {
            handleStreamAcquired(id, result, actions: &actions)
        }
    }

    mutating func handleStreamAcquired(
        _ id: OperationID, _ result: SubscriptionManager.AcquireResult, actions: inout [Action]
    ) {
        switch result {
        case .subscribed:
            streams[id]?.holdsSubscription = true
            streams[id]?.state = .established
            actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .established))))
        case .subscribing:
            streams[id]?.holdsSubscription = true
            streams[id]?.state = .subscribing
        case .blocked:
            break  // handled by the callers
        case .noCapacity:
            let limit = configuration.subscriptions.maxStreamingSubscriptions
            let error = RequestResponseError(
                code: .noSubscriptionCapacity,
                message:
                    "no streaming subscription capacity for '\(streams[id]?.filter ?? "")' (maxStreamingSubscriptions is \(limit), all in use)"
            )
            halt(id, error, actions: &actions)
        case .failure(let error):
            halt(id, error, actions: &actions)
        }
    }

    mutating func halt(_ id: OperationID, _ error: RequestResponseError, actions: inout [Action]) {
        guard var stream = streams[id], stream.state != .halted else { return }
        if stream.state == .blocked { queueDirty = true }
        stream.state = .halted
        if stream.inTrie {
            streamTrie.remove(id, for: stream.matchFilter)
            stream.inTrie = false
        }
        streams[id] = stream
        actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .halted, error: error))))
        actions.append(.finishStream(id))
    }

    /// A stream's buffer was full and dropped its oldest publish.
    mutating func noteStreamPublishDropped() {
        counters.streamPublishesDropped += 1
    }
}
