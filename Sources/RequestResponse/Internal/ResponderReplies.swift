import MQTT5
import NIOCore
import Synchronization

/// A response as a responder publishes it.
struct ResponderResponse: Sendable {
    var topic: String
    var payload: ByteBuffer
    var properties: MQTTProperties
}

/// The responses a handler queued with ``RequestResponder/reply(to:topic:payload:properties:)``
/// while it ran. The responder publishes them when the handler returns, in the same event-loop
/// task that counts the handler finished, so an answered request costs one hop to the event
/// loop and no wake-up of the handler's task for the acknowledgement.
final class ResponderReplies: Sendable {
    private struct State {
        var open = true
        var responses: [ResponderResponse] = []
    }

    private let state = Mutex(State())

    /// Queues `response`; `false` once the handler returned (the caller publishes it itself).
    func append(_ response: ResponderResponse) -> Bool {
        state.withLock { state in
            guard state.open else { return false }
            state.responses.append(response)
            return true
        }
    }

    /// Closes the queue (the handler returned) and takes what it holds.
    func close() -> [ResponderResponse] {
        state.withLock { state in
            state.open = false
            defer { state.responses = [] }
            return state.responses
        }
    }
}
