import MQTT5
import NIOCore
import DequeModule

// Connection state and shutdown.
extension RequestResponseStateMachine {
    mutating func connected(sessionPresent: Bool, supportsProperties: Bool, now: NIODeadline) -> [Action] {
        guard !isShutDown else { return [] }
        self.supportsProperties = supportsProperties
        var actions: [Action] = []
        apply(subscriptions.connected(sessionPresent: sessionPresent, now: now), now: now, actions: &actions)
        let waiting = waitingForConnection
        waitingForConnection.removeAll()
        for id in waiting where operations[id]?.state == .waitingForConnection {
            readyToPublish(id, now: now, actions: &actions)
        }
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func disconnected() {
        subscriptions.disconnected()
    }

    /// Fails every request with `clientShutDown`, halts every stream, unsubscribes everything.
    mutating func shutdown(now: NIODeadline) -> [Action] {
        guard !isShutDown else { return [] }
        isShutDown = true
        var actions: [Action] = []
        for id in operations.keys.sorted() {
            actions.append(.completeRequest(id, .failure(.clientShutDown())))
            counters.requestsFailed[.clientShutDown, default: 0] += 1
        }
        operations.removeAll()
        keyOwners.removeAll()
        keyWaiters.removeAll()
        responseTopics.removeAll()
        blockedQueue.removeAll()
        waitingForConnection.removeAll()
        for id in streams.keys.sorted() {
            if streams[id]?.state != .halted {
                actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .halted, error: .clientShutDown()))))
            }
            actions.append(.finishStream(id))
        }
        streams.removeAll()
        streamTrie = TopicFilterTrie()
        timers = DeadlineHeap()
        apply(subscriptions.shutdown(), now: now, actions: &actions)
        return actions
    }
}
