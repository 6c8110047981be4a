public import RequestResponse

/// One element of a generated stream: an event, a change of the subscription's status, or a
/// message that could not be decoded (surfaced, never dropped silently).
public enum ServiceStreamElement<Event: Sendable>: Sendable {
    /// A decoded event.
    case event(Event)
    /// The subscription was established (again), lost (it is being re-established) or halted
    /// (terminal: the stream ends).
    case subscriptionStatus(SubscriptionStatusEvent)
    /// A message arrived on the stream's topic but did not decode to the event type.
    case decodingFailure(ServiceDecodingError)

    /// The event, if this element is one.
    public var event: Event? {
        if case .event(let event) = self { return event }
        return nil
    }
}
