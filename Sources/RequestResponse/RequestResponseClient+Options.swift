import MQTT5

extension RequestResponseClient {
    /// How a ``RequestResponseClient`` uses subscriptions and time.
    public struct Options: Sendable {
        /// The most MQTT subscriptions used for requests at once (at least 2). Unused ones stay
        /// subscribed ("warm") until their slot is needed or ``idleSubscriptionTimeout`` passes.
        public var maxRequestResponseSubscriptions: Int
        /// The most MQTT subscriptions used for streaming operations at once (0 or more).
        public var maxStreamingSubscriptions: Int
        /// The default deadline of a request, counted from submission (queueing included);
        /// also bounds every SUBACK and UNSUBACK wait. Must be positive.
        public var operationTimeout: Duration
        /// How long an unused request-response subscription stays subscribed when its slot is not
        /// needed; `nil` keeps it until the slot is needed. Unsubscription happens at most twice
        /// this long after the last use. Default 5 minutes.
        public var idleSubscriptionTimeout: Duration? = .seconds(300)
        /// The first delay before a streaming subscription that failed with a retryable reason is
        /// tried again; the delay doubles on every failure up to ``streamingRetryMaximumBackoff``.
        public var streamingRetryInitialBackoff: Duration = .seconds(1)
        /// The cap of the streaming retry delay.
        public var streamingRetryMaximumBackoff: Duration = .seconds(60)
        /// How many publishes a ``StreamingOperation`` buffers for a slow consumer. When full,
        /// the oldest buffered publish is dropped (counted in
        /// ``RequestResponseStatistics/streamPublishesDropped``); status events are never dropped.
        public var streamBufferCapacity: Int = 1024
        /// The response topic of correlation-data requests; `nil` generates a unique one,
        /// `rr/responses/<random hex>`. Must be a valid topic name your policy allows subscribing to.
        public var correlationDataResponseTopic: String?
        /// When set, every request carries this caller identifier (normally the MQTT client
        /// identifier) in the user property ``IncomingRequest/callerClientIDUserProperty``, so
        /// services can log, authorize or deduplicate by caller (MQTT 5 only). Off by default.
        public var callerClientID: String?
        /// Whether requests carry their remaining time as MQTT 5 Message Expiry Interval (rounded
        /// up to whole seconds), so the broker drops and the service skips a request nobody waits
        /// for any more. On by default; ignored over MQTT 3.1.1.
        public var sendsDeadline = true

        /// Creates options.
        ///
        /// - Parameters:
        ///   - maxRequestResponseSubscriptions: The request subscription budget (at least 2).
        ///   - maxStreamingSubscriptions: The streaming subscription budget (0 or more).
        ///   - operationTimeout: The default request deadline (positive), 60 seconds by default.
        public init(
            maxRequestResponseSubscriptions: Int, maxStreamingSubscriptions: Int,
            operationTimeout: Duration = .seconds(60)
        ) {
            self.maxRequestResponseSubscriptions = maxRequestResponseSubscriptions
            self.maxStreamingSubscriptions = maxStreamingSubscriptions
            self.operationTimeout = operationTimeout
        }

        /// Checks every option.
        ///
        /// - Throws: ``RequestResponseError`` with code ``RequestResponseError/Code/invalidArgument``
        ///   naming the first invalid option.
        public func validate() throws(RequestResponseError) {
            guard maxRequestResponseSubscriptions >= 2 else {
                throw .invalidArgument(
                    "maxRequestResponseSubscriptions must be at least 2 (one for accepted, one for rejected), got \(maxRequestResponseSubscriptions)"
                )
            }
            guard maxStreamingSubscriptions >= 0 else {
                throw .invalidArgument(
                    "maxStreamingSubscriptions must not be negative, got \(maxStreamingSubscriptions)")
            }
            guard operationTimeout > .zero else {
                throw .invalidArgument("operationTimeout must be positive, got \(operationTimeout)")
            }
            if let idle = idleSubscriptionTimeout, idle <= .zero {
                throw .invalidArgument("idleSubscriptionTimeout must be positive or nil, got \(idle)")
            }
            guard streamingRetryInitialBackoff > .zero, streamingRetryMaximumBackoff >= streamingRetryInitialBackoff
            else {
                throw .invalidArgument(
                    "streaming retry backoff must be positive with maximum >= initial, got \(streamingRetryInitialBackoff)...\(streamingRetryMaximumBackoff)"
                )
            }
            guard streamBufferCapacity >= 1 else {
                throw .invalidArgument("streamBufferCapacity must be at least 1, got \(streamBufferCapacity)")
            }
            if let topic = correlationDataResponseTopic {
                do {
                    try MQTTTopic.validateName(topic)
                } catch {
                    throw .invalidArgument("invalid correlationDataResponseTopic: \(error)", cause: error)
                }
            }
        }
    }
}
