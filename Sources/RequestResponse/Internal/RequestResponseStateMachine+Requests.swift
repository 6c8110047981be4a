import MQTT5
import NIOCore
import DequeModule

// Submitting requests, cancellation, the request PUBLISH, correlation keys and the end of a request.
extension RequestResponseStateMachine {
    mutating func submitRequest(
        id: OperationID, request: PreparedRequest, timeout: Duration, deadline: NIODeadline, now: NIODeadline,
        into actions: inout [Action]
    ) {
        if isShutDown {
            counters.requestsFailed[.clientShutDown, default: 0] += 1
            actions.append(.completeRequest(id, .failure(.clientShutDown())))
            return
        }
        let key: CorrelationKey
        switch request.correlation {
        case .token(let token): key = .token(token)
        case .tokenless: key = .tokenless
        case .correlationData: key = .data(nextCorrelationData())
        }
        operations[id] = RequestOperation(
            id: id, request: request, key: key, deadline: deadline, timeout: timeout, state: .waitingForKey
        )
        timers.insert(.deadline(id), at: deadline)
        if keyOwners[key] == nil {
            takeKey(id)
            startAcquire(id, now: now, actions: &actions)
        } else {
            keyWaiters[key, default: []].append(id)
        }
        finishEvent(now: now, actions: &actions)
    }

    /// The calling task was cancelled.
    mutating func cancelRequest(id: OperationID, now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        finishRequest(id, .failure(.cancelled()), now: now, actions: &actions)
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func publishCompleted(
        id: OperationID, outcome: PublishOutcome, now: NIODeadline, into actions: inout [Action]
    ) {
        guard let operation = operations[id], operation.state == .publishing else { return }
        switch outcome {
        case .acknowledged(let code) where !code.isError:
            withOperation(id) { $0.state = .awaitingResponse }
        case .acknowledged(let code):
            let error = RequestResponseError(
                code: .publishFailure,
                message:
                    "the broker rejected the request PUBLISH to '\(operation.request.publishTopic)' (PUBACK \(code))",
                reasonCode: .pubAck(code)
            )
            finishRequest(id, .failure(error), now: now, actions: &actions)
        case .transportFailure where !subscriptions.isOnline:
            // The connection dropped with the PUBLISH in flight: publish again when it is back
            // (after resubscribing if the session is lost). The deadline keeps running.
            withOperation(id) { $0.state = .waitingForConnection }
            waitingForConnection.append(id)
        case .transportFailure(let cause):
            let error = RequestResponseError(
                code: .publishFailure,
                message: "the request PUBLISH to '\(operation.request.publishTopic)' failed in the transport",
                cause: cause
            )
            finishRequest(id, .failure(error), now: now, actions: &actions)
        }
        finishEvent(now: now, actions: &actions)
    }

    mutating func takeKey(_ id: OperationID) {
        guard var operation = operations[id] else { return }
        keyOwners[operation.key] = id
        operation.ownsKey = true
        operations[id] = operation
        // Changed in place: one hash of the topic per path, and no copy of `tokenPaths`.
        for (index, path) in operation.request.responsePaths.enumerated() {
            switch operation.key {
            case .token:
                responseTopics[path.topic, default: ResponseTopicEntry()]
                    .tokenPaths.add(operation.request.tokenPath(at: index)!)
            case .tokenless: responseTopics[path.topic, default: ResponseTopicEntry()].tokenless += 1
            case .data: responseTopics[path.topic, default: ResponseTopicEntry()].correlationData += 1
            }
        }
    }

    mutating func releaseKey(_ operation: RequestOperation, now: NIODeadline, actions: inout [Action]) {
        for (index, path) in operation.request.responsePaths.enumerated() {
            guard let position = responseTopics.index(forKey: path.topic) else { continue }
            switch operation.key {
            case .token: responseTopics.values[position].tokenPaths.remove(operation.request.tokenPath(at: index)!)
            case .tokenless: responseTopics.values[position].tokenless -= 1
            case .data: responseTopics.values[position].correlationData -= 1
            }
            if responseTopics.values[position].isEmpty { responseTopics.remove(at: position) }
        }
        keyOwners[operation.key] = nil
        // Hand the key to the next request waiting for it.
        guard !keyWaiters.isEmpty, var waiters = keyWaiters.removeValue(forKey: operation.key) else { return }
        while let next = waiters.popFirst() {
            guard operations[next]?.state == .waitingForKey else { continue }
            if !waiters.isEmpty { keyWaiters[operation.key] = waiters }
            takeKey(next)
            startAcquire(next, now: now, actions: &actions)
            return
        }
    }

    mutating func startAcquire(_ id: OperationID, now: NIODeadline, actions: inout [Action]) {
        guard let operation = operations[id] else { return }
        let (result, managerActions) = subscriptions.acquire(
            operation.request.filters, kind: .requestResponse, listener: id, now: now,
            reservedAhead: reservedRequestResponse
        )
        apply(managerActions, now: now, actions: &actions)
        if case .blocked(let needed) = result {
            withOperation(id) { $0.state = .blocked }
            blockedQueue.append(id)
            reservedRequestResponse += needed
        } else {
            handleAcquired(id, result, now: now, actions: &actions)
        }
    }

    mutating func handleAcquired(
        _ id: OperationID, _ result: SubscriptionManager.AcquireResult, now: NIODeadline, actions: inout [Action]
    ) {
        switch result {
        case .subscribed:
            withOperation(id) { $0.holdsSubscriptions = true }
            readyToPublish(id, now: now, actions: &actions)
        case .subscribing(let pending):
            withOperation(id) { operation in
                operation.holdsSubscriptions = true
                operation.state = .subscribing(pending: Set(pending))
            }
        case .blocked:
            break  // handled by the callers
        case .noCapacity:
            let error = RequestResponseError(
                code: .noSubscriptionCapacity, message: "no request-response subscription capacity")
            finishRequest(id, .failure(error), now: now, actions: &actions)
        case .failure(let error):
            finishRequest(id, .failure(error), now: now, actions: &actions)
        }
    }

    mutating func readyToPublish(_ id: OperationID, now: NIODeadline, actions: inout [Action]) {
        guard var operation = operations[id] else { return }
        guard subscriptions.isOnline else {
            operation.state = .waitingForConnection
            operations[id] = operation
            waitingForConnection.append(id)
            return
        }
        var properties = operation.request.properties
        if configuration.sendsDeadline, supportsProperties, properties.messageExpiryInterval == nil {
            let seconds = Self.expiryInterval(until: operation.deadline, now: now)
            if properties.isEmpty {
                properties = expiryOnlyProperties(seconds)
            } else {
                properties.messageExpiryInterval = seconds
            }
        }
        if case .data(let data) = operation.key {
            guard supportsProperties else {
                let error = RequestResponseError.invalidArgument(
                    "correlation-data requests need MQTT 5 (response topic and correlation data properties); the connection is MQTT 3.1.1"
                )
                finishRequest(id, .failure(error), now: now, actions: &actions)
                return
            }
            properties.responseTopic = configuration.correlationDataResponseTopic
            properties.correlationData = data
        }
        operation.state = .publishing
        operations[id] = operation
        counters.publishesSent += 1
        actions.append(
            .publish(
                id, topic: operation.request.publishTopic, payload: operation.request.payload, properties: properties
            ))
    }

    /// Properties holding only a message expiry interval of `seconds`.
    mutating func expiryOnlyProperties(_ seconds: UInt32) -> MQTTProperties {
        if let cached = expiryOnlyProperties, cached.seconds == seconds { return cached.properties }
        var properties = MQTTProperties()
        properties.messageExpiryInterval = seconds
        expiryOnlyProperties = (seconds, properties)
        return properties
    }

    /// Ends a request: completes it, releases its subscriptions and hands its key on.
    mutating func finishRequest(
        _ id: OperationID, _ result: Result<RequestResponseClient.Response, RequestResponseError>, now: NIODeadline,
        actions: inout [Action]
    ) {
        guard let operation = operations.removeValue(forKey: id) else { return }
        actions.append(.completeRequest(id, result))
        switch result {
        case .success: counters.requestsCompleted += 1
        case .failure(let error): counters.requestsFailed[error.code, default: 0] += 1
        }
        if operation.state == .blocked { queueDirty = true }
        if operation.holdsSubscriptions {
            apply(subscriptions.release(operation.request.filters, listener: id, now: now), now: now, actions: &actions)
        }
        if operation.ownsKey {
            releaseKey(operation, now: now, actions: &actions)
        } else if operation.state == .waitingForKey, var waiters = keyWaiters[operation.key] {
            waiters.removeAll { $0 == id }
            keyWaiters[operation.key] = waiters.isEmpty ? nil : waiters
        }
    }

    mutating func nextCorrelationData() -> ByteBuffer {
        correlationCounter &+= 1
        var buffer = ByteBuffer()
        buffer.reserveCapacity(16)
        buffer.writeInteger(configuration.correlationDataPrefix)
        buffer.writeInteger(correlationCounter)
        return buffer
    }
}
