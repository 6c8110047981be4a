import MQTT5
import NIOCore

/// A validated request, as the state machine handles it.
struct PreparedRequest: Sendable {
    struct Path: Sendable, Hashable {
        var topic: String
        /// `nil` for token-less and correlation-data requests.
        var token: JSONTokenScanner.Path?
    }

    enum Correlation: Sendable, Hashable {
        case token(String)
        case tokenless
        /// Correlation data is generated when the request is submitted.
        case correlationData
    }

    var filters: [String]
    var responsePaths: [Path]
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
            responsePaths = [Path(topic: correlationDataResponseTopic, token: nil)]
            correlation = .correlationData
            return
        }

        guard options.payload.readableBytes > 0 else { throw .invalidArgument("the request payload is empty") }
        guard !options.subscriptionTopicFilters.isEmpty else {
            throw .invalidArgument("a request needs at least one subscription topic filter")
        }
        var distinct: [String] = []
        distinct.reserveCapacity(options.subscriptionTopicFilters.count)
        var seen: Set<String> = []  // an empty set allocates nothing
        for filter in options.subscriptionTopicFilters {
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
            if distinct.count < 16 {
                if !distinct.contains(filter) { distinct.append(filter) }
            } else {
                if seen.isEmpty { seen = Set(distinct) }
                if seen.insert(filter).inserted { distinct.append(filter) }
            }
        }
        guard distinct.count <= maxRequestResponseSubscriptions else {
            throw RequestResponseError(
                code: .noSubscriptionCapacity,
                message:
                    "the request needs \(distinct.count) subscriptions but maxRequestResponseSubscriptions is \(maxRequestResponseSubscriptions)"
            )
        }
        filters = distinct

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
        var paths: [Path] = []
        paths.reserveCapacity(options.responsePaths.count)
        var lastTokenPath: JSONTokenScanner.Path?  // response paths usually share one token path
        for path in options.responsePaths {
            do {
                try MQTTTopic.validateName(path.topic)
            } catch {
                throw .invalidArgument("invalid response topic: \(error)", cause: error)
            }
            guard distinct.contains(where: { MQTTTopic.matches(filter: $0, topic: path.topic) }) else {
                throw .invalidArgument("response topic '\(path.topic)' is not covered by any subscription topic filter")
            }
            var tokenPath: JSONTokenScanner.Path?
            if case .token = correlation {
                guard let dotted = path.correlationTokenJSONPath else {
                    throw .invalidArgument(
                        "response path '\(path.topic)' has no correlation token JSON path but the request has a correlation token"
                    )
                }
                if let lastTokenPath, lastTokenPath.dotted == dotted {
                    tokenPath = lastTokenPath
                } else {
                    let parsed = JSONTokenScanner.Path(dotted)
                    guard parsed.segments.allSatisfy({ !$0.isEmpty }) else {
                        throw .invalidArgument("invalid correlation token JSON path '\(dotted)': empty key")
                    }
                    tokenPath = parsed
                    lastTokenPath = parsed
                }
            }
            // Kept in the caller's order, duplicates included: `Response.responsePathIndex` indexes them.
            paths.append(Path(topic: path.topic, token: tokenPath))
        }
        responsePaths = paths
    }
}
