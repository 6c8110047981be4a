import MQTT5
import NIOCore

// The single timer: request deadlines, acknowledgement timeouts, retries and idle sweeps.
extension RequestResponseStateMachine {
    /// The shell's timer fired: handles every deadline at or before `now`.
    mutating func timerFired(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        while let (deadline, event) = timers.popExpired(now: now) {
            switch event {
            case .deadline(let id):
                guard let operation = operations[id], operation.deadline == deadline else { continue }
                let error = RequestResponseError(
                    code: .timeout,
                    message:
                        "request to '\(operation.request.publishTopic)' timed out after \(operation.timeout) while \(operation.state.phrase)"
                )
                finishRequest(id, .failure(error), now: now, actions: &actions)
            case .subscribeTimeout(let filter, let generation):
                let managerActions = subscriptions.subscribeCompleted(
                    filter: filter, generation: generation, outcome: .timedOut, now: now
                )
                apply(managerActions, now: now, actions: &actions)
            case .unsubscribeTimeout(let filter, let generation):
                let managerActions = subscriptions.unsubscribeCompleted(
                    filter: filter, generation: generation, outcome: .timedOut, now: now
                )
                apply(managerActions, now: now, actions: &actions)
            case .retry(let filter):
                apply(subscriptions.retryDue(filter: filter, now: now), now: now, actions: &actions)
            case .idleSweep:
                apply(subscriptions.evictIdle(now: now), now: now, actions: &actions)
            }
        }
        finishEvent(now: now, actions: &actions)
        return actions
    }
}
