/// One topic filter of a SUBSCRIBE packet with its subscription options (MQTT 5 section 3.8.3.1).
public struct MQTTSubscription: Hashable, Sendable {
    /// The topic filter, possibly a shared subscription `$share/<name>/<filter>`.
    public var topicFilter: String
    /// The maximum QoS the server may deliver with.
    public var qos: MQTTQoS
    /// No Local (MQTT 5): do not receive own publications. Not allowed on shared subscriptions.
    public var noLocal: Bool
    /// Retain As Published (MQTT 5): keep the RETAIN flag of forwarded messages.
    public var retainAsPublished: Bool
    /// Retain Handling (MQTT 5).
    public var retainHandling: MQTTRetainHandling

    /// Creates a subscription.
    public init(
        topicFilter: String,
        qos: MQTTQoS = .atLeastOnce,
        noLocal: Bool = false,
        retainAsPublished: Bool = false,
        retainHandling: MQTTRetainHandling = .sendOnSubscribe
    ) {
        self.topicFilter = topicFilter
        self.qos = qos
        self.noLocal = noLocal
        self.retainAsPublished = retainAsPublished
        self.retainHandling = retainHandling
    }
}
