/// What happens to operations when the connection drops, and to operations submitted while the
/// client is not connected (AWS CRT's `ClientOperationQueueBehaviorType`, plus the capacity and
/// drop behaviour of the older AWS IoT Python SDK's offline publish queue).
///
/// Un-acknowledged QoS 1 and 2 publishes are never failed by a disconnection: the protocol
/// requires them to be sent again (with DUP on a resumed session). An operation that the policy
/// would fail on disconnection is rejected with ``MQTTError/Code/offline`` when submitted while
/// disconnected.
public struct MQTTOfflineQueuePolicy: Hashable, Sendable {
    /// Which operations survive a disconnection.
    public struct Behavior: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case failNonQoS1Publish, failQoS0Publish, failAll }
        let kind: Kind

        /// Keep QoS 1 and 2 publishes; fail QoS 0 publishes, subscribes and unsubscribes.
        public static let failNonQoS1Publish = Behavior(kind: .failNonQoS1Publish)
        /// Fail QoS 0 publishes; keep everything else, in order (the default).
        public static let failQoS0Publish = Behavior(kind: .failQoS0Publish)
        /// Fail everything except the un-acknowledged QoS 1 and 2 publishes the protocol requires to be resent.
        public static let failAll = Behavior(kind: .failAll)

        /// The name of the behaviour.
        public var description: String {
            switch kind {
            case .failNonQoS1Publish: "failNonQoS1Publish"
            case .failQoS0Publish: "failQoS0Publish"
            case .failAll: "failAll"
            }
        }
    }

    /// Which operation gives way when the queue is full.
    public struct DropBehavior: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case dropOldest, dropNewest }
        let kind: Kind

        /// Fail the oldest queued operation to make room for the new one.
        public static let dropOldest = DropBehavior(kind: .dropOldest)
        /// Fail the new operation.
        public static let dropNewest = DropBehavior(kind: .dropNewest)

        /// The name of the behaviour.
        public var description: String {
            switch kind {
            case .dropOldest: "dropOldest"
            case .dropNewest: "dropNewest"
            }
        }
    }

    /// Which operations survive a disconnection.
    public var behavior: Behavior
    /// The most operations waiting to be sent (while disconnected, or held back by the broker's
    /// Receive Maximum); `nil` for no limit.
    public var capacity: Int?
    /// Which operation is failed with ``MQTTError/Code/queueFull`` when the queue is full.
    public var dropBehavior: DropBehavior
    /// How many queued operations per second are sent after a reconnection (the Python SDK's
    /// `configureDrainingFrequency`, in Hz): the first at once, then one every `1 / drainingRate`
    /// seconds, until the queue is empty; operations submitted meanwhile join the queue. `nil`
    /// (or not positive) sends them all at once (the default). QoS 1 and 2 publishes resent on
    /// a resumed session are not delayed.
    public var drainingRate: Double? = nil

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - behavior: Which operations survive a disconnection (default ``Behavior/failQoS0Publish``).
    ///   - capacity: The most waiting operations, or `nil` for no limit.
    ///   - dropBehavior: Which operation gives way when full.
    public init(behavior: Behavior = .failQoS0Publish, capacity: Int? = nil, dropBehavior: DropBehavior = .dropNewest) {
        self.behavior = behavior
        self.capacity = capacity
        self.dropBehavior = dropBehavior
    }
}
