import DequeModule
import MQTT5
import NIOCore

// Admission of operations blocked on subscription capacity.
extension RequestResponseStateMachine {
    /// Rescans the blocked queue when capacity may have changed, and keeps the timer heap small.
    mutating func finishEvent(now: NIODeadline, actions: inout [Action]) {
        var passes = 0
        while subscriptions.admissionMayProceed || queueDirty {
            subscriptions.admissionMayProceed = false
            queueDirty = false
            passes += 1
            guard !blockedQueue.isEmpty, passes <= 64 else { break }
            if !admitBlocked(now: now, actions: &actions) { break }
        }
        if blockedQueue.isEmpty {
            reservedRequestResponse = 0
            reservedStreaming = 0
        }
        let live = operations.count + 2 * subscriptions.records.count + 8
        if timers.count > 256, timers.count > 4 * live {
            timers.compact { event in
                switch event {
                case .deadline(let id): operations[id] != nil
                case .subscribeTimeout(let filter, let generation):
                    subscriptions.record(filter)?.status == .subscribing(generation)
                case .unsubscribeTimeout(let filter, let generation):
                    subscriptions.record(filter)?.status == .unsubscribing(generation)
                case .retry, .idleSweep: true
                }
            }
        }
    }

    /// One pass over the blocked queue. First every operation that can join existing
    /// subscriptions without new capacity goes (no head-of-line blocking); then, oldest first,
    /// operations needing capacity, each reserving room ahead of later ones (no starvation).
    /// Returns whether any operation left the queue.
    ///
    /// Two shortcuts keep a long queue cheap (with 256 requests queued over 64 things this
    /// function was 40% of the client's CPU): the first pass is skipped while no filter can have
    /// become joinable since the last one (``SubscriptionManager/joinVersion``), and once the
    /// request-response reservations cover the whole budget, later requests stay queued without
    /// asking the manager, which would only answer "blocked" again (all evictable records were
    /// already evicted for the earlier ones). That shortcut holds only while no streaming record
    /// exists, as only those can poison a filter or claim it for the other kind.
    mutating func admitBlocked(now: NIODeadline, actions: inout [Action]) -> Bool {
        let queue = blockedQueue
        blockedQueue.removeAll()
        reservedRequestResponse = 0
        reservedStreaming = 0
        var progressed = false
        var remaining: Deque<OperationID> = []
        let joinPassNeeded = blockedQueueJoinVersion != subscriptions.joinVersion
        let requestResponseLimit = subscriptions.configuration.limit(.requestResponse)
        var requestResponseSaturated = false
        for pass in 0..<2 {
            if pass == 0 && !joinPassNeeded {
                remaining = queue
                continue
            }
            let candidates = pass == 0 ? queue : remaining
            if pass == 1 {
                remaining.removeAll()
                blockedQueueJoinVersion = subscriptions.joinVersion
            }
            for id in candidates {
                let filters: [String]
                let kind: SubscriptionManager.Kind
                if let operation = operations[id], operation.state == .blocked {
                    filters = operation.request.filters
                    kind = .requestResponse
                } else if let stream = streams[id], stream.state == .blocked {
                    filters = [stream.filter]
                    kind = .streaming
                } else {
                    continue  // finished meanwhile
                }
                if pass == 0, !subscriptions.canJoinWithoutCapacity(filters, kind: kind) {
                    remaining.append(id)
                    continue
                }
                if kind == .requestResponse, requestResponseSaturated {
                    remaining.append(id)
                    continue
                }
                let reserved = kind == .requestResponse ? reservedRequestResponse : reservedStreaming
                let (result, managerActions) = subscriptions.acquire(
                    filters, kind: kind, listener: id, now: now, reservedAhead: reserved
                )
                apply(managerActions, now: now, actions: &actions)
                if case .blocked(let needed) = result {
                    remaining.append(id)
                    if kind == .requestResponse {
                        reservedRequestResponse += needed
                        requestResponseSaturated =
                            reserved >= requestResponseLimit && subscriptions.count(.streaming) == 0
                            && !subscriptions.isShutDown
                    } else {
                        reservedStreaming += needed
                    }
                    continue
                }
                progressed = true
                if kind == .requestResponse {
                    handleAcquired(id, result, now: now, actions: &actions)
                } else {
                    handleStreamAcquired(id, result, actions: &actions)
                }
            }
        }
        // Operations queued while this pass ran come after the ones still waiting.
        remaining.append(contentsOf: blockedQueue)
        blockedQueue = remaining
        return progressed
    }
}
