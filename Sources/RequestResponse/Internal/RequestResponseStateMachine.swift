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
///
/// The machine is split by concern: `+Requests`, `+Streams`, `+Responses` (routing and
/// correlation), `+Subscriptions`, `+Admission`, `+Deadlines` and `+Connection`.
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
        /// Whether requests carry their remaining time as Message Expiry Interval (MQTT 5).
        var sendsDeadline = true
    }

    /// What makes a response belong to a request.
    enum CorrelationKey: Hashable, Sendable {
        case token(String)
        /// Token-less requests share this one key, so they run one at a time.
        case tokenless
        case data(ByteBuffer)
    }

    enum PublishOutcome: Sendable {
        case acknowledged(MQTTPubAckReasonCode)
        case transportFailure(any Error)
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
        case completeRequest(OperationID, Result<RequestResponseClient.Response, RequestResponseError>)
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
        let deadline: NIODeadline
        let timeout: Duration
        var state: RequestState
        var holdsSubscriptions = false
        var ownsKey = false

        var acceptsResponses: Bool { state == .publishing || state == .awaitingResponse }

        /// The index of the response path a response on `topic` with its token at `path` matches.
        func responsePathIndex(topic: String, path: JSONTokenScanner.Path?) -> Int? {
            request.responsePaths.indices.first {
                request.responsePaths[$0].topic == topic && request.tokenPath(at: $0) == path
            }
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
        var tokenPaths = TokenPathCounts()
        var tokenless = 0
        var correlationData = 0

        var isEmpty: Bool { tokenPaths.isEmpty && tokenless == 0 && correlationData == 0 }
    }

    let configuration: Configuration
    var subscriptions: SubscriptionManager
    var operations: [OperationID: RequestOperation] = [:]
    var streams: [OperationID: StreamOperation] = [:]
    var keyOwners: [CorrelationKey: OperationID] = [:]
    var keyWaiters: [CorrelationKey: Deque<OperationID>] = [:]
    var responseTopics: [String: ResponseTopicEntry] = [:]
    var streamTrie = TopicFilterTrie<OperationID>()
    /// Requests and streams blocked on subscription capacity, oldest first (may hold stale ids).
    var blockedQueue: Deque<OperationID> = []
    var reservedRequestResponse = 0
    var reservedStreaming = 0
    var queueDirty = false
    /// The subscription manager's ``SubscriptionManager/joinVersion`` when every operation in
    /// `blockedQueue` was last found unable to join without capacity.
    var blockedQueueJoinVersion: UInt64?
    var waitingForConnection: Deque<OperationID> = []
    var timers = DeadlineHeap<TimerEvent>()
    var correlationCounter: UInt64 = 0
    /// The last properties made for a request without properties of its own: only its message
    /// expiry interval. Reused while the interval repeats, as it does for requests with one
    /// timeout (a property box per request otherwise).
    var expiryOnlyProperties: (seconds: UInt32, properties: MQTTProperties)?
    var supportsProperties: Bool
    var isShutDown = false
    var counters = RequestResponseStatistics()

    /// Changes the operation `id` in place, if it exists.
    ///
    /// Through `values[index]` rather than `operations[id]?.…`: the dictionary's keyed `_modify`
    /// holds an optional copy of the value in its coroutine frame, which for a value this large
    /// is allocated on the heap on every call (several times per request).
    mutating func withOperation(_ id: OperationID, _ body: (inout RequestOperation) -> Void) {
        guard let index = operations.index(forKey: id) else { return }
        body(&operations.values[index])
    }

    init(configuration: Configuration, isOnline: Bool, supportsProperties: Bool) {
        self.configuration = configuration
        self.subscriptions = SubscriptionManager(configuration: configuration.subscriptions, isOnline: isOnline)
        self.supportsProperties = supportsProperties
    }

    /// When the shell's single timer must fire next.
    var nextDeadline: NIODeadline? { timers.earliest }

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
}
