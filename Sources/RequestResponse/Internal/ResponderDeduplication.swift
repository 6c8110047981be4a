import DequeModule
import MQTT5
import NIOCore

/// The answers a responder remembers so that a retried request (same caller, same correlation)
/// is answered again instead of run again: bounded in count and, per entry, by the request's
/// expiry. Confined to the responder's event loop.
struct ResponderDeduplication {
    /// Identifies a request across retries: the caller and its correlation data, or, for
    /// requests correlated by a token in the payload, the topic and payload.
    struct Key: Hashable {
        var caller: String
        var topic: String
        var correlation: ByteBuffer
    }

    typealias Response = ResponderResponse

    enum Entry {
        /// The request runs; a retry is dropped (the running one answers it).
        case running(expires: NIODeadline)
        /// The request was answered with these responses.
        case answered([Response], expires: NIODeadline)

        var expires: NIODeadline {
            switch self {
            case .running(let expires), .answered(_, let expires): expires
            }
        }
    }

    /// What to do with an arriving request.
    enum Verdict {
        case run
        case dropDuplicate
        case answer([Response])
    }

    let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var order = Deque<Key>()

    init(capacity: Int) {
        self.capacity = capacity
    }

    static func key(for request: IncomingRequest) -> Key {
        Key(
            caller: request.callerClientID ?? "", topic: request.correlationData == nil ? request.topic : "",
            correlation: request.correlationData ?? request.payload)
    }

    /// Looks `key` up; an unknown key is recorded as running until `expires`.
    mutating func admit(_ key: Key, expires: NIODeadline, now: NIODeadline) -> Verdict {
        if let entry = entries[key], entry.expires > now {
            switch entry {
            case .running: return .dropDuplicate
            case .answered(let responses, _): return .answer(responses)
            }
        }
        evict(now: now)
        if entries.updateValue(.running(expires: expires), forKey: key) == nil { order.append(key) }
        return .run
    }

    /// Remembers a response published for `key`'s request.
    mutating func record(_ response: Response, for key: Key) {
        guard let entry = entries[key] else { return }
        switch entry {
        case .running(let expires): entries[key] = .answered([response], expires: expires)
        case .answered(var responses, let expires):
            responses.append(response)
            entries[key] = .answered(responses, expires: expires)
        }
    }

    private mutating func evict(now: NIODeadline) {
        while let oldest = order.first, entries[oldest].map({ $0.expires <= now }) ?? true {
            order.removeFirst()
            entries[oldest] = nil
        }
        while entries.count >= capacity, let oldest = order.popFirst() {
            entries[oldest] = nil
        }
    }
}
