import MQTT5
import NIOCore

// SUBACK and UNSUBACK outcomes, and what the subscription manager asks for.
extension RequestResponseStateMachine {
    mutating func subscribeCompleted(
        filter: String, generation: UInt64, outcome: SubscriptionManager.SubscribeOutcome, now: NIODeadline
    ) -> [Action] {
        var actions: [Action] = []
        let managerActions = subscriptions.subscribeCompleted(
            filter: filter, generation: generation, outcome: outcome, now: now)
        apply(managerActions, now: now, actions: &actions)
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func unsubscribeCompleted(
        filter: String, generation: UInt64, outcome: SubscriptionManager.UnsubscribeOutcome, now: NIODeadline
    ) -> [Action] {
        var actions: [Action] = []
        let managerActions = subscriptions.unsubscribeCompleted(
            filter: filter, generation: generation, outcome: outcome, now: now)
        apply(managerActions, now: now, actions: &actions)
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func apply(_ managerActions: [SubscriptionManager.Action], now: NIODeadline, actions: inout [Action]) {
        for action in managerActions {
            switch action {
            case .subscribe(let filter, let generation):
                counters.subscribesSent += 1
                timers.insert(.subscribeTimeout(filter, generation), at: now + configuration.acknowledgementTimeout)
                actions.append(.subscribe(filter: filter, generation: generation))
            case .unsubscribe(let filter, let generation):
                counters.unsubscribesSent += 1
                timers.insert(.unsubscribeTimeout(filter, generation), at: now + configuration.acknowledgementTimeout)
                actions.append(.unsubscribe(filter: filter, generation: generation))
            case .established(let filter, let kind, let listeners):
                for id in listeners {
                    if kind == .requestResponse {
                        guard case .subscribing(var pending) = operations[id]?.state else { continue }
                        pending.remove(filter)
                        if pending.isEmpty {
                            readyToPublish(id, now: now, actions: &actions)
                        } else {
                            withOperation(id) { $0.state = .subscribing(pending: pending) }
                        }
                    } else if streams[id]?.state == .subscribing {
                        streams[id]?.state = .established
                        actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .established))))
                    }
                }
            case .failed(_, let kind, let listeners, let error):
                for id in listeners {
                    if kind == .requestResponse {
                        finishRequest(id, .failure(error), now: now, actions: &actions)
                    } else {
                        halt(id, error, actions: &actions)
                    }
                }
            case .lost(let filter, let kind, let listeners, let error):
                for id in listeners {
                    if kind == .requestResponse {
                        guard let state = operations[id]?.state else { continue }
                        switch state {
                        case .publishing, .awaitingResponse:
                            finishRequest(id, .failure(error), now: now, actions: &actions)
                        case .subscribing(var pending):
                            pending.insert(filter)
                            withOperation(id) { $0.state = .subscribing(pending: pending) }
                        case .waitingForConnection:
                            withOperation(id) { $0.state = .subscribing(pending: [filter]) }
                        case .waitingForKey, .blocked:
                            break
                        }
                    } else if streams[id]?.state == .established {
                        streams[id]?.state = .subscribing
                        actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .lost, error: error))))
                    }
                }
            case .scheduleRetry(let filter, let at):
                timers.insert(.retry(filter), at: at)
            case .scheduleIdleSweep(let at):
                timers.insert(.idleSweep, at: at)
            }
        }
    }
}
