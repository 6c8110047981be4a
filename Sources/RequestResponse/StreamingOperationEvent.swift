/// What a ``StreamingOperation`` yields: subscription status changes and publishes, in order.
public enum StreamingOperationEvent: Sendable {
    /// The subscription was established, lost or halted.
    case subscriptionStatus(SubscriptionStatusEvent)
    /// A publish matching the stream's topic filter.
    case publish(RequestResponsePublish)
}
