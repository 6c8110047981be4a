extension RequestResponder {
    /// How a ``RequestResponder`` runs its handlers and subscribes.
    public struct Options: Sendable {
        /// The most handlers running at once; further requests wait, in arrival order, and are
        /// acknowledged (PUBACK) only when a handler takes them, so the broker's flow control
        /// holds back the rest. 64 by default.
        public var maxConcurrentHandlers: Int
        /// How long a graceful shutdown of ``RequestResponder/run()`` waits for the requests
        /// already taken to finish before cancelling their handlers. 10 s by default.
        public var shutdownGracePeriod: Duration
        /// Serve through the shared subscription `$share/<group>/<filter>`, so that the broker
        /// spreads requests over every responder of the group (scale-out and failover). `nil`
        /// (the default) subscribes directly: every responder receives every request.
        public var sharedSubscriptionGroup: String?
        /// Remembers this many answered requests (keyed by caller and correlation) and answers a
        /// retry of one from the remembered response instead of running its handler again. 0 (the
        /// default) turns it off: a retried request runs again (at-least-once execution).
        public var deduplicationCapacity: Int
        /// How long an answer is remembered for a request without a Message Expiry Interval
        /// (otherwise: until the request expires). 60 s by default.
        public var deduplicationWindow: Duration
        /// Bounds every SUBACK, UNSUBACK and PUBACK wait. 30 s by default.
        public var acknowledgementTimeout: Duration
        /// Where handlers run: `nil` (the default) on Swift's default executor, else on this
        /// executor. The client's `MQTTClient/taskExecutor` runs them on its event loop, which
        /// saves the two thread hand-offs of every request (to a handler and back), for
        /// handlers that are short and never block: while one computes, the connection reads
        /// and writes nothing (see `EventLoopTaskExecutor`).
        public var handlerExecutor: (any TaskExecutor)?

        /// Creates options.
        ///
        /// - Parameters:
        ///   - maxConcurrentHandlers: The most handlers running at once (at least 1).
        ///   - shutdownGracePeriod: The bound on draining at graceful shutdown.
        ///   - sharedSubscriptionGroup: The `$share` group to serve through, if any.
        ///   - deduplicationCapacity: How many answers to remember for retries (0: off).
        ///   - deduplicationWindow: How long to remember an answer when the request has no expiry.
        ///   - acknowledgementTimeout: Bounds every acknowledgement wait.
        ///   - handlerExecutor: Where handlers run (`nil`: the default executor).
        public init(
            maxConcurrentHandlers: Int = 64, shutdownGracePeriod: Duration = .seconds(10),
            sharedSubscriptionGroup: String? = nil, deduplicationCapacity: Int = 0,
            deduplicationWindow: Duration = .seconds(60), acknowledgementTimeout: Duration = .seconds(30),
            handlerExecutor: (any TaskExecutor)? = nil
        ) {
            self.maxConcurrentHandlers = maxConcurrentHandlers
            self.shutdownGracePeriod = shutdownGracePeriod
            self.sharedSubscriptionGroup = sharedSubscriptionGroup
            self.deduplicationCapacity = deduplicationCapacity
            self.deduplicationWindow = deduplicationWindow
            self.acknowledgementTimeout = acknowledgementTimeout
            self.handlerExecutor = handlerExecutor
        }
    }
}
