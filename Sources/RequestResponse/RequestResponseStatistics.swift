/// Counters and gauges of a ``RequestResponseClient``, read with
/// ``RequestResponseClient/statistics``.
public struct RequestResponseStatistics: Sendable, Hashable, CustomStringConvertible {
    /// SUBSCRIBE packets sent (one filter each).
    public var subscribesSent = 0
    /// UNSUBSCRIBE packets sent (one filter each).
    public var unsubscribesSent = 0
    /// Request PUBLISH packets sent.
    public var publishesSent = 0
    /// Requests completed with a response.
    public var requestsCompleted = 0
    /// Requests failed, by error code.
    public var requestsFailed: [RequestResponseError.Code: Int] = [:]
    /// Publishes on a response topic that completed no request (sum of the three below).
    public var responsesIgnored = 0
    /// … because the payload is not JSON.
    public var responsesNotJSON = 0
    /// … because the token is missing or not a string (or correlation data is missing).
    public var responsesWithoutToken = 0
    /// … because no request in flight has that token (late, duplicate or foreign responses).
    public var responsesUnmatched = 0
    /// Times the JSON scanner handed a payload to `JSONSerialization`.
    public var tokenScanFallbacks = 0
    /// Publishes delivered to streaming operations.
    public var streamPublishesDelivered = 0
    /// Stream publishes dropped because a stream's buffer was full (oldest dropped first).
    public var streamPublishesDropped = 0
    /// Request-response subscriptions held now (in use, warm, or being subscribed/unsubscribed).
    public var requestResponseSubscriptions = 0
    /// Streaming subscriptions held now.
    public var streamingSubscriptions = 0
    /// Requests in flight now (queued, subscribing, publishing or awaiting a response).
    public var requestsInFlight = 0
    /// Requests waiting now for subscription capacity or for an earlier request with the same token.
    public var queueLength = 0
    /// Open streaming operations.
    public var openStreams = 0

    /// Creates zeroed statistics.
    public init() {}

    /// The total number of failed requests.
    public var requestsFailedTotal: Int { requestsFailed.values.reduce(0, +) }

    /// One line with every non-zero field.
    public var description: String {
        var parts = [
            "subscribes=\(subscribesSent)", "unsubscribes=\(unsubscribesSent)", "publishes=\(publishesSent)",
            "completed=\(requestsCompleted)",
        ]
        for (code, count) in requestsFailed.sorted(by: { $0.key.description < $1.key.description }) {
            parts.append("failed.\(code)=\(count)")
        }
        parts += [
            "ignored=\(responsesIgnored)", "rrSubscriptions=\(requestResponseSubscriptions)",
            "streamingSubscriptions=\(streamingSubscriptions)", "inFlight=\(requestsInFlight)", "queued=\(queueLength)",
        ]
        return parts.joined(separator: " ")
    }
}
