import NIOCore

@testable import RequestResponse

/// The per-request events as the tests use them: returning their actions instead of appending
/// them to a buffer the caller lends.
extension RequestResponseStateMachine {
    mutating func submitRequest(
        id: OperationID, request: PreparedRequest, timeout: Duration, deadline: NIODeadline, now: NIODeadline
    ) -> [Action] {
        var actions: [Action] = []
        submitRequest(id: id, request: request, timeout: timeout, deadline: deadline, now: now, into: &actions)
        return actions
    }

    mutating func publishCompleted(id: OperationID, outcome: PublishOutcome, now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        publishCompleted(id: id, outcome: outcome, now: now, into: &actions)
        return actions
    }

    mutating func incomingPublish(_ publish: RequestResponsePublish, now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        incomingPublish(publish, now: now, into: &actions)
        return actions
    }
}
