import DequeModule
import NIOCore

extension MQTTConnectionStateMachine {
    /// Asks the throttle about `queued`; on a delay, the machine's next deadline becomes the end
    /// of the delay, when ``timerFired(now:into:)`` drains the queue again.
    mutating func admit(_ queued: QueuedOperation, now: NIODeadline) -> MQTTOutboundThrottle.Admission {
        guard throttle.isActive else { return .now }
        let isPublish: Bool
        var filters: [String]?
        switch queued.operation {
        case .publish: isPublish = true
        case .subscribe(let packet):
            isPublish = false
            filters = packet.subscriptions.map(\.topicFilter)
        case .unsubscribe: isPublish = false
        }
        let pending = filters != nil && throttle.maximumSubscriptions != nil ? pendingSubscriptionFilters : []
        let admission = throttle.admit(
            isPublish: isPublish, filters: filters, pendingFilters: pending, size: queued.size, now: now)
        if case .wait(let deadline) = admission { pacingDeadline = deadline }
        return admission
    }

    /// The topic filters of the SUBSCRIBEs sent and not yet acknowledged.
    var pendingSubscriptionFilters: Set<String> {
        var filters: Set<String> = []
        for entry in inFlight.values {
            guard case .subscribe(let packet) = entry.operation else { continue }
            for subscription in packet.subscriptions { filters.insert(subscription.topicFilter) }
        }
        return filters
    }

    /// ``drainQueue(now:into:)`` under flow control: sends queued operations in order while the
    /// broker's Receive Maximum and the rates allow; a SUBSCRIBE held by the subscription limit
    /// stays queued and lets the operations after it pass.
    mutating func drainThrottled(now: NIODeadline, into actions: inout [Action]) {
        var index = 0
        while case .connected = phase, index < queue.count {
            let candidate = queue[index]
            guard canSend(candidate.operation) else { break }
            switch admit(candidate, now: now) {
            case .now:
                sendOperation(removeQueued(at: index), now: now, into: &actions)
            case .held:
                index += 1
            case .reject(let message):
                if let token = removeQueued(at: index).token {
                    actions.append(.fail(token, MQTTError(code: .invalidArgument, message: message)))
                }
            case .wait:
                return
            }
        }
        if queue.isEmpty { throttle.queueEmptied() }
    }
}
