extension RequestResponseClient {
    /// A topic on which a response to a request may arrive, and where its correlation token is.
    ///
    /// A request usually has two: `…/accepted` and `…/rejected`, both with the token at
    /// `clientToken`. Which one arrived is in ``RequestResponseClient/Response/topic``; the request-response layer does
    /// not interpret it.
    public struct ResponsePath: Sendable, Hashable {
        /// The topic name (no wildcards) the response is published on.
        public var topic: String
        /// The dotted path of the correlation token in the response's JSON payload (for example
        /// `clientToken` or `meta.token`), or `nil` when responses on this topic carry no token
        /// (token-less requests, which run one at a time).
        public var correlationTokenJSONPath: String?

        /// Creates a response path.
        ///
        /// - Parameters:
        ///   - topic: The topic name the response is published on.
        ///   - correlationTokenJSONPath: The dotted JSON path of the correlation token, or `nil`.
        public init(topic: String, correlationTokenJSONPath: String?) {
            self.topic = topic
            self.correlationTokenJSONPath = correlationTokenJSONPath
        }
    }
}
