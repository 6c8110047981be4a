import MQTT5
import NIOCore

/// A validated request, as the state machine handles it.
struct PreparedRequest: Sendable {
    /// Where the correlation token is in the responses on each path.
    enum TokenPaths: Sendable, Hashable {
        /// Token-less and correlation-data requests.
        case none
        /// Every path has its token at this one (the usual `clientToken`).
        case shared(JSONTokenScanner.Path)
        /// One per response path, in their order.
        case perPath([JSONTokenScanner.Path])
    }

    enum Correlation: Sendable, Hashable {
        case token(String)
        case tokenless
        /// Correlation data is generated when the request is submitted.
        case correlationData
    }

    /// The distinct filters: the caller's array itself when it has no duplicates (no copy).
    var filters: [String]
    /// The caller's response paths, in the caller's order (``RequestResponseClient/Response/responsePathIndex``
    /// indexes them); their token paths are in ``tokenPaths``.
    var responsePaths: [RequestResponseClient.ResponsePath]
    var tokenPaths: TokenPaths
    var publishTopic: String
    var payload: ByteBuffer
    var properties: MQTTProperties
    var correlation: Correlation

    /// Validates `options` synchronously, before anything is sent (the reference's rules plus
    /// ours: every response topic must be covered by a subscription filter, no shared
    /// subscriptions, a token needs token paths, the filters must fit in the budget).
    init(
        _ options: RequestResponseClient.RequestOptions, maxRequestResponseSubscriptions: Int,
        correlationDataResponseTopic: String
    ) throws(RequestResponseError) {
        do {
            try MQTTTopic.validateName(options.publishTopic)
        } catch {
            throw .invalidArgument("invalid publish topic: \(error)", cause: error)
        }
        publishTopic = options.publishTopic
        payload = options.payload
        properties = options.properties
        properties.responseTopic = nil
        properties.correlationData = nil

        if options.mode == .correlationData {
            filters = [correlationDataResponseTopic]
            responsePaths = [.init(topic: correlationDataResponseTopic, correlationTokenJSONPath: nil)]
            tokenPaths = .none
            correlation = .correlationData
            return
        }

        guard options.payload.readableBytes > 0 else { throw .invalidArgument("the request payload is empty") }
        guard !options.subscriptionTopicFilters.isEmpty else {
            throw .invalidArgument("a request needs at least one subscription topic filter")
        }
        let requested = options.subscriptionTopicFilters
        var hasDuplicates = false
        var seen: Set<String> = []  // an empty set allocates nothing
        for (index, filter) in requested.enumerated() {
            do {
                try MQTTTopic.validateFilter(filter)
            } catch {
                throw .invalidArgument("invalid subscription topic filter: \(error)", cause: error)
            }
            if filter.hasPrefix(MQTTTopic.sharedSubscriptionPrefix) {
                throw .invalidArgument(
                    "subscription topic filter '\(filter)' is a shared subscription, which cannot carry responses")
            }
            // Usually one or two filters: a linear check, without a set to allocate and hash into,
            // until there are many.
            if index < 16 {
                if requested[..<index].contains(filter) { hasDuplicates = true }
            } else {
                if seen.isEmpty { seen = Set(requested[..<index]) }
                if !seen.insert(filter).inserted { hasDuplicates = true }
            }
        }
        // The caller's array itself unless it repeats a filter: no copy.
        filters = hasDuplicates ? Self.distinct(requested) : requested
        guard filters.count <= maxRequestResponseSubscriptions else {
            throw RequestResponseError(
                code: .noSubscriptionCapacity,
                message:
                    "the request needs \(filters.count) subscriptions but maxRequestResponseSubscriptions is \(maxRequestResponseSubscriptions)"
            )
        }

        guard !options.responsePaths.isEmpty else {
            throw .invalidArgument("a request needs at least one response path")
        }
        if let token = options.correlationToken {
            guard !token.isEmpty else {
                throw .invalidArgument("the correlation token is empty; use nil for a token-less request")
            }
            correlation = .token(token)
        } else {
            correlation = .tokenless
        }
        var shared: JSONTokenScanner.Path?  // response paths usually share one token path
        var perPath: [JSONTokenScanner.Path] = []  // only when they do not
        for (index, path) in options.responsePaths.enumerated() {
            do {
                try MQTTTopic.validateName(path.topic)
            } catch {
                throw .invalidArgument("invalid response topic: \(error)", cause: error)
            }
            guard filters.contains(where: { MQTTTopic.matches(filter: $0, topic: path.topic) }) else {
                throw .invalidArgument("response topic '\(path.topic)' is not covered by any subscription topic filter")
            }
            guard case .token = correlation else { continue }
            guard let dotted = path.correlationTokenJSONPath else {
                throw .invalidArgument(
                    "response path '\(path.topic)' has no correlation token JSON path but the request has a correlation token"
                )
            }
            if let shared, perPath.isEmpty, shared.dotted == dotted { continue }
            let parsed = JSONTokenScanner.Path(dotted)
            guard !parsed.hasEmptyKey else {
                throw .invalidArgument("invalid correlation token JSON path '\(dotted)': empty key")
            }
            if let shared, perPath.isEmpty {
                perPath = Array(repeating: shared, count: index)
            }
            if shared == nil {
                shared = parsed
            } else {
                perPath.append(parsed)
            }
        }
        responsePaths = options.responsePaths
        if !perPath.isEmpty {
            tokenPaths = .perPath(perPath)
        } else if let shared {
            tokenPaths = .shared(shared)
        } else {
            tokenPaths = .none
        }
    }

    /// `filters` without repeats, each at its first place.
    private static func distinct(_ filters: [String]) -> [String] {
        var seen: Set<String> = []
        return filters.filter { seen.insert($0).inserted }
    }

    /// The token path of the response path at `index`; `nil` for token-less and correlation-data requests.
    func tokenPath(at index: Int) -> JSONTokenScanner.Path? {
        switch tokenPaths {
        case .none: nil
        case .shared(let path): path
        case .perPath(let paths): paths[index]
        }
    }
}
