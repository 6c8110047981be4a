extension RequestResponder {
    /// Counters of a ``RequestResponder`` (see ``RequestResponder/statistics``).
    public struct Statistics: Sendable, Equatable {
        /// Requests received on a served filter.
        public var received = 0
        /// Requests a handler took.
        public var started = 0
        /// Handlers that returned (or were cancelled).
        public var completed = 0
        /// Requests dropped because they expired before a handler took them.
        public var droppedExpired = 0
        /// Handlers cancelled at their request's deadline.
        public var deadlineExceeded = 0
        /// Retries answered from the deduplication cache, or dropped while the original runs.
        public var deduplicated = 0
        /// Requests received but dropped untaken when the responder stopped (acknowledged, not answered).
        public var abandoned = 0
        /// Responses queued with ``RequestResponder/reply(to:topic:payload:properties:)`` whose
        /// PUBLISH failed or was refused.
        public var failedResponses = 0
        /// Handlers running now.
        public var running = 0
        /// Requests waiting for a handler now.
        public var queued = 0
        /// The most handlers that ran at once.
        public var maxRunning = 0

        /// Creates zeroed counters.
        public init() {}
    }
}
