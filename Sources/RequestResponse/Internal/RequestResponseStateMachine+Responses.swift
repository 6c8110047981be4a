import MQTT5
import NIOCore

// Routing incoming publishes to streams and to the request whose correlation key they carry.
extension RequestResponseStateMachine {
    /// Why an incoming publish on a response topic completed nothing (counted in the statistics).
    enum IgnoreReason {
        case notJSON, withoutToken, unmatched
    }

    /// Routes an incoming publish: to every open stream whose filter matches, and to the
    /// request whose correlation key it carries (one dictionary look-up by topic, then one by key).
    mutating func incomingPublish(_ publish: RequestResponsePublish, now: NIODeadline, into actions: inout [Action]) {
        var deliveredToStream = false
        if streamTrie.count > 0 {
            let before = actions.count
            streamTrie.forEachMatch(of: publish.topic) { id in
                guard let stream = streams[id], stream.state != .halted else { return }
                actions.append(.streamEvent(id, .publish(publish)))
                deliveredToStream = true
            }
            if deliveredToStream { counters.streamPublishesDelivered += actions.count - before }
        }

        guard let entry = responseTopics[publish.topic] else {
            if !deliveredToStream, isRequestResponseTopic(publish.topic) { ignore(.unmatched) }
            return
        }
        var reason = IgnoreReason.unmatched
        var completed: (id: OperationID, pathIndex: Int)?
        if entry.correlationData > 0 {
            if let data = publish.properties.correlationData {
                if let id = keyOwners[.data(data)], let operation = operations[id], operation.acceptsResponses,
                    let index = operation.responsePathIndex(topic: publish.topic, path: nil)
                {
                    completed = (id, index)
                }
            } else {
                reason = .withoutToken
            }
        }
        if completed == nil {
            for path in entry.tokenPaths {
                let (outcome, usedFallback) = JSONTokenScanner.extract(from: publish.payload, path: path)
                if usedFallback { counters.tokenScanFallbacks += 1 }
                switch outcome {
                case .found(let token):
                    if let id = keyOwners[.token(token)], let operation = operations[id], operation.acceptsResponses,
                        let index = operation.responsePathIndex(topic: publish.topic, path: path)
                    {
                        completed = (id, index)
                    }
                case .malformed, .unsupported:
                    reason = .notJSON
                case .notFound, .notString:
                    reason = .withoutToken
                }
                if completed != nil { break }
            }
        }
        if completed == nil, entry.tokenless > 0, let id = keyOwners[.tokenless], let operation = operations[id],
            operation.acceptsResponses, let index = operation.responsePathIndex(topic: publish.topic, path: nil)
        {
            completed = (id, index)
        }
        if let (id, pathIndex) = completed {
            let response = RequestResponseClient.Response(
                topic: publish.topic, payload: publish.payload,
                properties: supportsProperties ? publish.properties : nil,
                responsePathIndex: pathIndex
            )
            finishRequest(id, .success(response), now: now, actions: &actions)
            finishEvent(now: now, actions: &actions)
        } else {
            ignore(reason)
        }
    }

    mutating func ignore(_ reason: IgnoreReason) {
        counters.responsesIgnored += 1
        switch reason {
        case .notJSON: counters.responsesNotJSON += 1
        case .withoutToken: counters.responsesWithoutToken += 1
        case .unmatched: counters.responsesUnmatched += 1
        }
    }

    /// Whether `topic` matches a request-response subscription (so a publish on it is a response nobody waits for).
    func isRequestResponseTopic(_ topic: String) -> Bool {
        subscriptions.records.values.contains {
            $0.kind == .requestResponse && MQTTTopic.matches(filter: $0.filter, topic: topic)
        }
    }
}
