/// A change in the subscription of a ``StreamingOperation``.
public struct SubscriptionStatusEvent: Sendable, CustomStringConvertible {
    /// The kind of change.
    public var type: SubscriptionStatusEventType
    /// Why the subscription was lost or halted; always set for ``SubscriptionStatusEventType/lost``
    /// and ``SubscriptionStatusEventType/halted``, `nil` for ``SubscriptionStatusEventType/established``.
    public var error: RequestResponseError?

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - type: The kind of change.
    ///   - error: Why, for `lost` and `halted`.
    public init(type: SubscriptionStatusEventType, error: RequestResponseError? = nil) {
        self.type = type
        self.error = error
    }

    /// `established`, or `lost: <error>` / `halted: <error>`.
    public var description: String {
        if let error { return "\(type): \(error)" }
        return "\(type)"
    }
}

/// The kinds of ``SubscriptionStatusEvent``.
public enum SubscriptionStatusEventType: Sendable, Hashable, CustomStringConvertible {
    /// The subscription is active (after a SUBACK, on joining an active subscription, and
    /// again after every resubscription).
    case established
    /// The connection came back without the session, so publishes may have been missed; the
    /// layer is resubscribing and will report ``established`` again. Not reported on the
    /// disconnect itself, nor when the session was resumed.
    case lost
    /// Terminal: the layer gave up (non-retryable SUBACK reason code, no subscription capacity,
    /// the filter is in use for requests, or the client was closed). The stream ends after this.
    case halted

    /// `established`, `lost` or `halted`.
    public var description: String {
        switch self {
        case .established: "established"
        case .lost: "lost"
        case .halted: "halted"
        }
    }
}
