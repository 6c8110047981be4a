import DequeModule
import MQTT5
import NIOCore

/// The whole request-response client as a pure state machine: requests, streams, the
/// correlation tables, the admission queue and the deadline heap, over a ``SubscriptionManager``.
///
/// Every method takes an event (and the current time) and returns the actions the event-loop
/// shell must perform: send SUBSCRIBE / UNSUBSCRIBE / PUBLISH, complete a request, deliver a
/// stream event. It never performs I/O, never reads a clock and never calls user code, so it
/// is unit-tested without a network.
struct RequestResponseStateMachine {
    typealias OperationID = UInt64

    struct Configuration: Sendable {
        var subscriptions: SubscriptionManager.Configuration
        /// Bounds every SUBACK and UNSUBACK wait.
        var acknowledgementTimeout: Duration
        /// The response topic of correlation-data requests.
        var correlationDataResponseTopic: String
        /// The first 8 bytes of every correlation data this client generates.
        var correlationDataPrefix: UInt64
    }

    /// What makes a response belong to a request.
    enum CorrelationKey: Hashable, Sendable {
        case token(String)
        /// Token-less requests share this one key, so they run one at a time.
        case tokenless
        case data(ByteBuffer)
    }

    enum PublishOutcome: Sendable {
        case acknowledged(reasonCode: UInt8)
        case transportFailure(any Error & Sendable)
    }

    enum TimerEvent: Sendable {
        case deadline(OperationID)
        case subscribeTimeout(String, UInt64)
        case unsubscribeTimeout(String, UInt64)
        case retry(String)
        case idleSweep
    }

    enum Action: Sendable {
        case subscribe(filter: String, generation: UInt64)
        case unsubscribe(filter: String, generation: UInt64)
        case publish(OperationID, topic: String, payload: ByteBuffer, properties: MQTTProperties)
        case completeRequest(OperationID, Result<Response, RequestResponseError>)
        case streamEvent(OperationID, StreamingOperationEvent)
        /// The stream's sequence ends (after `halted`, or on close).
        case finishStream(OperationID)
    }

    enum RequestState: Hashable, Sendable {
        /// Another request in flight holds the same correlation key.
        case waitingForKey
        /// No subscription capacity yet.
        case blocked
        /// Waiting for the SUBACK of these filters only.
        case subscribing(pending: Set<String>)
        /// Subscribed; waiting for the connection to publish.
        case waitingForConnection
        /// PUBLISH sent; responses are accepted from now on.
        case publishing
        /// PUBACK received.
        case awaitingResponse

        var phrase: String {
            switch self {
            case .waitingForKey: "waiting for an earlier request with the same correlation token"
            case .blocked: "waiting for subscription capacity"
            case .subscribing(let pending): "waiting for the SUBACK of \(pending.sorted())"
            case .waitingForConnection: "waiting for the connection"
            case .publishing: "waiting for the PUBACK and the response"
            case .awaitingResponse: "waiting for the response"
            }
        }
    }

    struct RequestOperation: Sendable {
        let id: OperationID
        let request: PreparedRequest
        let key: CorrelationKey
        let deadline: MonotonicTime
        let timeout: Duration
        var state: RequestState
        var holdsSubscriptions = false
        var ownsKey = false

        var acceptsResponses: Bool { state == .publishing || state == .awaitingResponse }

        func expects(topic: String, path: JSONTokenScanner.Path?) -> Bool {
            request.responsePaths.contains { $0.topic == topic && $0.token == path }
        }
    }

    enum StreamState: Hashable, Sendable {
        case blocked, subscribing, established, halted
    }

    struct StreamOperation: Sendable {
        let id: OperationID
        /// As sent in SUBSCRIBE.
        let filter: String
        /// What topics are matched against (without a `$share/name/` prefix).
        let matchFilter: String
        var state: StreamState
        var holdsSubscription = false
        var inTrie = false
    }

    struct ResponseTopicEntry: Sendable {
        var tokenPaths: [JSONTokenScanner.Path: Int] = [:]
        var tokenless = 0
        var correlationData = 0

        var isEmpty: Bool { tokenPaths.isEmpty && tokenless == 0 && correlationData == 0 }
    }

    private enum IgnoreReason {
        case notJSON, withoutToken, unmatched
    }

    let configuration: Configuration
    private(set) var subscriptions: SubscriptionManager
    private(set) var operations: [OperationID: RequestOperation] = [:]
    private(set) var streams: [OperationID: StreamOperation] = [:]
    private var keyOwners: [CorrelationKey: OperationID] = [:]
    private var keyWaiters: [CorrelationKey: Deque<OperationID>] = [:]
    private var responseTopics: [String: ResponseTopicEntry] = [:]
    private var streamTrie = TopicFilterTrie<OperationID>()
    /// Requests and streams blocked on subscription capacity, oldest first (may hold stale ids).
    private var blockedQueue: Deque<OperationID> = []
    private var reservedRequestResponse = 0
    private var reservedStreaming = 0
    private var queueDirty = false
    private var waitingForConnection: Deque<OperationID> = []
    private var timers = DeadlineHeap<TimerEvent>()
    private var correlationCounter: UInt64 = 0
    private var supportsProperties: Bool
    private(set) var isShutDown = false
    private var counters = RequestResponseStatistics()

    init(configuration: Configuration, isOnline: Bool, supportsProperties: Bool) {
        self.configuration = configuration
        self.subscriptions = SubscriptionManager(configuration: configuration.subscriptions, isOnline: isOnline)
        self.supportsProperties = supportsProperties
    }

    /// When the shell's single timer must fire next.
    var nextDeadline: MonotonicTime? { timers.earliest }

    var statistics: RequestResponseStatistics {
        var statistics = counters
        statistics.requestResponseSubscriptions = subscriptions.count(.requestResponse)
        statistics.streamingSubscriptions = subscriptions.count(.streaming)
        statistics.requestsInFlight = operations.count
        statistics.queueLength = operations.values.reduce(0) {
            $0 + ($1.state == .blocked || $1.state == .waitingForKey ? 1 : 0)
        }
        statistics.openStreams = streams.count
        return statistics
    }

    // MARK: Requests

    mutating func submitRequest(
        id: OperationID, request: PreparedRequest, timeout: Duration, deadline: MonotonicTime, now: MonotonicTime
    ) -> [Action] {
        if isShutDown {
            counters.requestsFailed[.clientShutDown, default: 0] += 1
            return [.completeRequest(id, .failure(.clientShutDown()))]
        }
        let key: CorrelationKey
        switch request.correlation {
        case .token(let token): key = .token(token)
        case .tokenless: key = .tokenless
        case .correlationData: key = .data(nextCorrelationData())
        }
        var actions: [Action] = []
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
        return actions
    }

    /// The calling task was cancelled.
    mutating func cancelRequest(id: OperationID, now: MonotonicTime) -> [Action] {
        var actions: [Action] = []
        finishRequest(id, .failure(.cancelled()), now: now, actions: &actions)
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func publishCompleted(id: OperationID, outcome: PublishOutcome, now: MonotonicTime) -> [Action] {
        guard let operation = operations[id], operation.state == .publishing else { return [] }
        var actions: [Action] = []
        switch outcome {
        case .acknowledged(let code) where code < 0x80:
            operations[id]?.state = .awaitingResponse
        case .acknowledged(let code):
            let error = RequestResponseError(
                code: .publishFailure,
                message: "the broker rejected the request PUBLISH to '\(operation.request.publishTopic)' (PUBACK 0x\(String(code, radix: 16, uppercase: true)))",
                reasonCode: code
            )
            finishRequest(id, .failure(error), now: now, actions: &actions)
        case .transportFailure where !subscriptions.isOnline:
            // The connection dropped with the PUBLISH in flight: publish again when it is back
            // (after resubscribing if the session is lost). The deadline keeps running.
            operations[id]?.state = .waitingForConnection
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
        return actions
    }

    // MARK: Streams

    mutating func openStream(id: OperationID, filter: TopicFilter, now: MonotonicTime) -> [Action] {
        if isShutDown {
            return [
                .streamEvent(id, .subscriptionStatus(.init(type: .halted, error: .clientShutDown()))),
                .finishStream(id),
            ]
        }
        var actions: [Action] = []
        var stream = StreamOperation(id: id, filter: filter.rawValue, matchFilter: filter.filter, state: .subscribing)
        streamTrie.insert(id, for: stream.matchFilter)
        stream.inTrie = true
        streams[id] = stream
        startStreamAcquire(id, now: now, actions: &actions)
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func closeStream(id: OperationID, now: MonotonicTime) -> [Action] {
        var actions: [Action] = [.finishStream(id)]
        guard let stream = streams.removeValue(forKey: id) else { return actions }
        if stream.inTrie { streamTrie.remove(id, for: stream.matchFilter) }
        if stream.state == .blocked { queueDirty = true }
        if stream.holdsSubscription {
            apply(subscriptions.release([stream.filter], listener: id, now: now), now: now, actions: &actions)
        }
        finishEvent(now: now, actions: &actions)
        return actions
    }

    // MARK: Transport events

    mutating func subscribeCompleted(
        filter: String, generation: UInt64, outcome: SubscriptionManager.SubscribeOutcome, now: MonotonicTime
    ) -> [Action] {
        var actions: [Action] = []
        let managerActions = subscriptions.subscribeCompleted(filter: filter, generation: generation, outcome: outcome, now: now)
        apply(managerActions, now: now, actions: &actions)
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func unsubscribeCompleted(
        filter: String, generation: UInt64, outcome: SubscriptionManager.UnsubscribeOutcome, now: MonotonicTime
    ) -> [Action] {
        var actions: [Action] = []
        let managerActions = subscriptions.unsubscribeCompleted(filter: filter, generation: generation, outcome: outcome, now: now)
        apply(managerActions, now: now, actions: &actions)
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func connected(sessionPresent: Bool, supportsProperties: Bool, now: MonotonicTime) -> [Action] {
        guard !isShutDown else { return [] }
        self.supportsProperties = supportsProperties
        var actions: [Action] = []
        apply(subscriptions.connected(sessionPresent: sessionPresent, now: now), now: now, actions: &actions)
        let waiting = waitingForConnection
        waitingForConnection.removeAll()
        for id in waiting where operations[id]?.state == .waitingForConnection {
            readyToPublish(id, now: now, actions: &actions)
        }
        finishEvent(now: now, actions: &actions)
        return actions
    }

    mutating func disconnected() {
        subscriptions.disconnected()
    }

    /// Routes an incoming publish: to every open stream whose filter matches, and to the
    /// request whose correlation key it carries (one dictionary look-up by topic, then one by key).
    mutating func incomingPublish(_ publish: IncomingPublish, now: MonotonicTime) -> [Action] {
        var actions: [Action] = []
        var deliveredToStream = false
        if streamTrie.count > 0 {
            streamTrie.forEachMatch(of: publish.topic) { id in
                guard let stream = streams[id], stream.state != .halted else { return }
                actions.append(.streamEvent(id, .publish(publish)))
                deliveredToStream = true
            }
            if deliveredToStream { counters.streamPublishesDelivered += actions.count }
        }

        guard let entry = responseTopics[publish.topic] else {
            if !deliveredToStream, isRequestResponseTopic(publish.topic) { ignore(.unmatched) }
            return actions
        }
        var reason = IgnoreReason.unmatched
        var completed: OperationID?
        if entry.correlationData > 0 {
            if let data = publish.properties.correlationData {
                if let id = keyOwners[.data(data)], let operation = operations[id], operation.acceptsResponses,
                   operation.expects(topic: publish.topic, path: nil)
                {
                    completed = id
                }
            } else {
                reason = .withoutToken
            }
        }
        if completed == nil {
            for path in entry.tokenPaths.keys {
                let (outcome, usedFallback) = JSONTokenScanner.extract(from: publish.payload, path: path)
                if usedFallback { counters.tokenScanFallbacks += 1 }
                switch outcome {
                case .found(let token):
                    if let id = keyOwners[.token(token)], let operation = operations[id], operation.acceptsResponses,
                       operation.expects(topic: publish.topic, path: path)
                    {
                        completed = id
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
           operation.acceptsResponses, operation.expects(topic: publish.topic, path: nil)
        {
            completed = id
        }
        if let id = completed {
            let response = Response(
                topic: publish.topic, payload: publish.payload, properties: supportsProperties ? publish.properties : nil
            )
            finishRequest(id, .success(response), now: now, actions: &actions)
            finishEvent(now: now, actions: &actions)
        } else {
            ignore(reason)
        }
        return actions
    }

    // MARK: Timer

    /// The shell's timer fired: handles every deadline at or before `now`.
    mutating func timerFired(now: MonotonicTime) -> [Action] {
        var actions: [Action] = []
        while let (deadline, event) = timers.popExpired(now: now) {
            switch event {
            case .deadline(let id):
                guard let operation = operations[id], operation.deadline == deadline else { continue }
                let error = RequestResponseError(
                    code: .timeout,
                    message: "request to '\(operation.request.publishTopic)' timed out after \(operation.timeout) while \(operation.state.phrase)"
                )
                finishRequest(id, .failure(error), now: now, actions: &actions)
            case .subscribeTimeout(let filter, let generation):
                let managerActions = subscriptions.subscribeCompleted(
                    filter: filter, generation: generation, outcome: .timedOut, now: now
                )
                apply(managerActions, now: now, actions: &actions)
            case .unsubscribeTimeout(let filter, let generation):
                let managerActions = subscriptions.unsubscribeCompleted(
                    filter: filter, generation: generation, outcome: .timedOut, now: now
                )
                apply(managerActions, now: now, actions: &actions)
            case .retry(let filter):
                apply(subscriptions.retryDue(filter: filter, now: now), now: now, actions: &actions)
            case .idleSweep:
                apply(subscriptions.evictIdle(now: now), now: now, actions: &actions)
            }
        }
        finishEvent(now: now, actions: &actions)
        return actions
    }

    // MARK: Shutdown

    /// Fails every request with `clientShutDown`, halts every stream, unsubscribes everything.
    mutating func shutdown(now: MonotonicTime) -> [Action] {
        guard !isShutDown else { return [] }
        isShutDown = true
        var actions: [Action] = []
        for id in operations.keys.sorted() {
            actions.append(.completeRequest(id, .failure(.clientShutDown())))
            counters.requestsFailed[.clientShutDown, default: 0] += 1
        }
        operations.removeAll()
        keyOwners.removeAll()
        keyWaiters.removeAll()
        responseTopics.removeAll()
        blockedQueue.removeAll()
        waitingForConnection.removeAll()
        for id in streams.keys.sorted() {
            if streams[id]?.state != .halted {
                actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .halted, error: .clientShutDown()))))
            }
            actions.append(.finishStream(id))
        }
        streams.removeAll()
        streamTrie = TopicFilterTrie()
        timers = DeadlineHeap()
        apply(subscriptions.shutdown(), now: now, actions: &actions)
        return actions
    }

    // MARK: Request internals

    private mutating func takeKey(_ id: OperationID) {
        guard var operation = operations[id] else { return }
        keyOwners[operation.key] = id
        operation.ownsKey = true
        operations[id] = operation
        for path in operation.request.responsePaths {
            var entry = responseTopics[path.topic] ?? ResponseTopicEntry()
            switch operation.key {
            case .token: entry.tokenPaths[path.token!, default: 0] += 1
            case .tokenless: entry.tokenless += 1
            case .data: entry.correlationData += 1
            }
            responseTopics[path.topic] = entry
        }
    }

    private mutating func releaseKey(_ operation: RequestOperation, now: MonotonicTime, actions: inout [Action]) {
        for path in operation.request.responsePaths {
            guard var entry = responseTopics[path.topic] else { continue }
            switch operation.key {
            case .token:
                let count = entry.tokenPaths[path.token!, default: 1] - 1
                entry.tokenPaths[path.token!] = count > 0 ? count : nil
            case .tokenless: entry.tokenless -= 1
            case .data: entry.correlationData -= 1
            }
            responseTopics[path.topic] = entry.isEmpty ? nil : entry
        }
        keyOwners[operation.key] = nil
        // Hand the key to the next request waiting for it.
        while let next = keyWaiters[operation.key]?.popFirst() {
            if keyWaiters[operation.key]?.isEmpty == true { keyWaiters[operation.key] = nil }
            guard operations[next]?.state == .waitingForKey else { continue }
            takeKey(next)
            startAcquire(next, now: now, actions: &actions)
            return
        }
        keyWaiters[operation.key] = nil
    }

    private mutating func startAcquire(_ id: OperationID, now: MonotonicTime, actions: inout [Action]) {
        guard let operation = operations[id] else { return }
        let (result, managerActions) = subscriptions.acquire(
            operation.request.filters, kind: .requestResponse, listener: id, now: now,
            reservedAhead: reservedRequestResponse
        )
        apply(managerActions, now: now, actions: &actions)
        if case .blocked(let needed) = result {
            operations[id]?.state = .blocked
            blockedQueue.append(id)
            reservedRequestResponse += needed
        } else {
            handleAcquired(id, result, now: now, actions: &actions)
        }
    }

    private mutating func handleAcquired(
        _ id: OperationID, _ result: SubscriptionManager.AcquireResult, now: MonotonicTime, actions: inout [Action]
    ) {
        switch result {
        case .subscribed:
            operations[id]?.holdsSubscriptions = true
            readyToPublish(id, now: now, actions: &actions)
        case .subscribing(let pending):
            operations[id]?.holdsSubscriptions = true
            operations[id]?.state = .subscribing(pending: Set(pending))
        case .blocked:
            break  // handled by the callers
        case .noCapacity:
            let error = RequestResponseError(code: .noSubscriptionCapacity, message: "no request-response subscription capacity")
            finishRequest(id, .failure(error), now: now, actions: &actions)
        case .failure(let error):
            finishRequest(id, .failure(error), now: now, actions: &actions)
        }
    }

    private mutating func readyToPublish(_ id: OperationID, now: MonotonicTime, actions: inout [Action]) {
        guard var operation = operations[id] else { return }
        guard subscriptions.isOnline else {
            operation.state = .waitingForConnection
            operations[id] = operation
            waitingForConnection.append(id)
            return
        }
        var properties = operation.request.properties
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
        actions.append(.publish(
            id, topic: operation.request.publishTopic, payload: operation.request.payload, properties: properties
        ))
    }

    /// Ends a request: completes it, releases its subscriptions and hands its key on.
    private mutating func finishRequest(
        _ id: OperationID, _ result: Result<Response, RequestResponseError>, now: MonotonicTime, actions: inout [Action]
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

    // MARK: Stream internals

    private mutating func startStreamAcquire(_ id: OperationID, now: MonotonicTime, actions: inout [Action]) {
        guard let stream = streams[id] else { return }
        let (result, managerActions) = subscriptions.acquire(
            [stream.filter], kind: .streaming, listener: id, now: now, reservedAhead: reservedStreaming
        )
        apply(managerActions, now: now, actions: &actions)
        if case .blocked(let needed) = result {
            streams[id]?.state = .blocked
            blockedQueue.append(id)
            reservedStreaming += needed
        } else {
            handleStreamAcquired(id, result, actions: &actions)
        }
    }

    private mutating func handleStreamAcquired(
        _ id: OperationID, _ result: SubscriptionManager.AcquireResult, actions: inout [Action]
    ) {
        switch result {
        case .subscribed:
            streams[id]?.holdsSubscription = true
            streams[id]?.state = .established
            actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .established))))
        case .subscribing:
            streams[id]?.holdsSubscription = true
            streams[id]?.state = .subscribing
        case .blocked:
            break  // handled by the callers
        case .noCapacity:
            let limit = configuration.subscriptions.maxStreamingSubscriptions
            let error = RequestResponseError(
                code: .noSubscriptionCapacity,
                message: "no streaming subscription capacity for '\(streams[id]?.filter ?? "")' (maxStreamingSubscriptions is \(limit), all in use)"
            )
            halt(id, error, actions: &actions)
        case .failure(let error):
            halt(id, error, actions: &actions)
        }
    }

    private mutating func halt(_ id: OperationID, _ error: RequestResponseError, actions: inout [Action]) {
        guard var stream = streams[id], stream.state != .halted else { return }
        if stream.state == .blocked { queueDirty = true }
        stream.state = .halted
        if stream.inTrie {
            streamTrie.remove(id, for: stream.matchFilter)
            stream.inTrie = false
        }
        streams[id] = stream
        actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .halted, error: error))))
        actions.append(.finishStream(id))
    }

    // MARK: Subscription manager actions

    private mutating func apply(_ managerActions: [SubscriptionManager.Action], now: MonotonicTime, actions: inout [Action]) {
        for action in managerActions {
            switch action {
            case .subscribe(let filter, let generation):
                counters.subscribesSent += 1
                timers.insert(.subscribeTimeout(filter, generation), at: now + configuration.acknowledgementTimeout)
                actions.append(.subscribe(filter: filter, generation: generation))
            case .unsubscribe(let filter, let generation):
                counters.unsubscribesSent += 1
                timers.insert(.unsubscribeTimeout(filter, generation), at: now + configuration.acknowledgementTimeout)
                actions.append(.unsubscribe(filter: filter, generation: generation))
            case .established(let filter, let kind, let listeners):
                for id in listeners {
                    if kind == .requestResponse {
                        guard case .subscribing(var pending) = operations[id]?.state else { continue }
                        pending.remove(filter)
                        if pending.isEmpty {
                            readyToPublish(id, now: now, actions: &actions)
                        } else {
                            operations[id]?.state = .subscribing(pending: pending)
                        }
                    } else if streams[id]?.state == .subscribing {
                        streams[id]?.state = .established
                        actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .established))))
                    }
                }
            case .failed(_, let kind, let listeners, let error):
                for id in listeners {
                    if kind == .requestResponse {
                        finishRequest(id, .failure(error), now: now, actions: &actions)
                    } else {
                        halt(id, error, actions: &actions)
                    }
                }
            case .lost(let filter, let kind, let listeners, let error):
                for id in listeners {
                    if kind == .requestResponse {
                        guard let state = operations[id]?.state else { continue }
                        switch state {
                        case .publishing, .awaitingResponse:
                            finishRequest(id, .failure(error), now: now, actions: &actions)
                        case .subscribing(var pending):
                            pending.insert(filter)
                            operations[id]?.state = .subscribing(pending: pending)
                        case .waitingForConnection:
                            operations[id]?.state = .subscribing(pending: [filter])
                        case .waitingForKey, .blocked:
                            break
                        }
                    } else if streams[id]?.state == .established {
                        streams[id]?.state = .subscribing
                        actions.append(.streamEvent(id, .subscriptionStatus(.init(type: .lost, error: error))))
                    }
                }
            case .scheduleRetry(let filter, let at):
                timers.insert(.retry(filter), at: at)
            case .scheduleIdleSweep(let at):
                timers.insert(.idleSweep, at: at)
            }
        }
    }

    // MARK: Admission

    /// Rescans the blocked queue when capacity may have changed, and keeps the timer heap small.
    private mutating func finishEvent(now: MonotonicTime, actions: inout [Action]) {
        var passes = 0
        while subscriptions.admissionMayProceed || queueDirty {
            subscriptions.admissionMayProceed = false
            queueDirty = false
            passes += 1
            guard !blockedQueue.isEmpty, passes <= 64 else { break }
            if !admitBlocked(now: now, actions: &actions) { break }
        }
        if blockedQueue.isEmpty {
            reservedRequestResponse = 0
            reservedStreaming = 0
        }
        let live = operations.count + 2 * subscriptions.records.count + 8
        if timers.count > 256, timers.count > 4 * live {
            timers.compact { event in
                switch event {
                case .deadline(let id): operations[id] != nil
                case .subscribeTimeout(let filter, let generation):
                    subscriptions.record(filter)?.status == .subscribing(generation)
                case .unsubscribeTimeout(let filter, let generation):
                    subscriptions.record(filter)?.status == .unsubscribing(generation)
                case .retry, .idleSweep: true
                }
            }
        }
    }

    /// One pass over the blocked queue. First every operation that can join existing
    /// subscriptions without new capacity goes (no head-of-line blocking); then, oldest first,
    /// operations needing capacity, each reserving room ahead of later ones (no starvation).
    /// Returns whether any operation left the queue.
    private mutating func admitBlocked(now: MonotonicTime, actions: inout [Action]) -> Bool {
        let queue = blockedQueue
        blockedQueue.removeAll()
        reservedRequestResponse = 0
        reservedStreaming = 0
        var progressed = false
        var remaining: Deque<OperationID> = []
        for pass in 0..<2 {
            let candidates = pass == 0 ? queue : remaining
            if pass == 1 { remaining.removeAll() }
            for id in candidates {
                let filters: [String]
                let kind: SubscriptionManager.Kind
                if let operation = operations[id], operation.state == .blocked {
                    filters = operation.request.filters
                    kind = .requestResponse
                } else if let stream = streams[id], stream.state == .blocked {
                    filters = [stream.filter]
                    kind = .streaming
                } else {
                    continue  // finished meanwhile
                }
                if pass == 0, !subscriptions.canJoinWithoutCapacity(filters, kind: kind) {
                    remaining.append(id)
                    continue
                }
                let reserved = kind == .requestResponse ? reservedRequestResponse : reservedStreaming
                let (result, managerActions) = subscriptions.acquire(
                    filters, kind: kind, listener: id, now: now, reservedAhead: reserved
                )
                apply(managerActions, now: now, actions: &actions)
                if case .blocked(let needed) = result {
                    remaining.append(id)
                    if kind == .requestResponse { reservedRequestResponse += needed } else { reservedStreaming += needed }
                    continue
                }
                progressed = true
                if kind == .requestResponse {
                    handleAcquired(id, result, now: now, actions: &actions)
                } else {
                    handleStreamAcquired(id, result, actions: &actions)
                }
            }
        }
        // Operations queued while this pass ran come after the ones still waiting.
        remaining.append(contentsOf: blockedQueue)
        blockedQueue = remaining
        return progressed
    }

    // MARK: Helpers

    /// A stream's buffer was full and dropped its oldest publish.
    mutating func noteStreamPublishDropped() {
        counters.streamPublishesDropped += 1
    }

    private mutating func nextCorrelationData() -> ByteBuffer {
        correlationCounter &+= 1
        var buffer = ByteBuffer()
        buffer.reserveCapacity(16)
        buffer.writeInteger(configuration.correlationDataPrefix)
        buffer.writeInteger(correlationCounter)
        return buffer
    }

    private mutating func ignore(_ reason: IgnoreReason) {
        counters.responsesIgnored += 1
        switch reason {
        case .notJSON: counters.responsesNotJSON += 1
        case .withoutToken: counters.responsesWithoutToken += 1
        case .unmatched: counters.responsesUnmatched += 1
        }
    }

    /// Whether `topic` matches a request-response subscription (so a publish on it is a response nobody waits for).
    private func isRequestResponseTopic(_ topic: String) -> Bool {
        subscriptions.records.values.contains { $0.kind == .requestResponse && MQTTTopic.matches(filter: $0.filter, topic: topic) }
    }
}
