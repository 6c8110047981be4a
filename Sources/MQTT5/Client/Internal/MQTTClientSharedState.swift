import Synchronization

/// What the client publishes from its event loop for readers on any thread: the negotiated
/// settings (per connection, behind a mutex) and the operation statistics (relaxed atomics,
/// stored once per handled event).
final class MQTTClientSharedState: Sendable {
    private let settings = Mutex<MQTTNegotiatedSettings?>(nil)
    private let incompleteCount = Atomic<Int>(0)
    private let incompleteSize = Atomic<Int>(0)
    private let unackedCount = Atomic<Int>(0)
    private let unackedSize = Atomic<Int>(0)
    private let connectedFlag = Atomic<Bool>(false)
    private let writeBehindCount = Atomic<Int>(0)
    /// ``MQTTPublishChecks/Limits`` of the current connection, packed (0: none).
    private let packedPublishLimits = Atomic<UInt64>(0)

    var negotiatedSettings: MQTTNegotiatedSettings? {
        get { settings.withLock { $0 } }
        set {
            settings.withLock { $0 = newValue }
            packedPublishLimits.store(newValue.map { MQTTPublishChecks.Limits($0).packed } ?? 0, ordering: .relaxed)
        }
    }

    /// What the broker of the current connection allows a PUBLISH, without taking a lock.
    var publishLimits: MQTTPublishChecks.Limits? {
        MQTTPublishChecks.Limits(packed: packedPublishLimits.load(ordering: .relaxed))
    }

    /// Takes a place among the QoS 0 publishes handed to the event loop and not yet taken;
    /// `false` when `limit` are already.
    func reserveWriteBehind(limit: Int) -> Bool {
        if writeBehindCount.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        writeBehindCount.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    /// The event loop took a write-behind publish.
    func releaseWriteBehind() {
        writeBehindCount.wrappingSubtract(1, ordering: .relaxed)
    }

    var isConnected: Bool {
        get { connectedFlag.load(ordering: .relaxed) }
        set { connectedFlag.store(newValue, ordering: .relaxed) }
    }

    var statistics: MQTTOperationStatistics {
        get {
            MQTTOperationStatistics(
                incompleteOperationCount: incompleteCount.load(ordering: .relaxed),
                incompleteOperationSize: incompleteSize.load(ordering: .relaxed),
                unackedOperationCount: unackedCount.load(ordering: .relaxed),
                unackedOperationSize: unackedSize.load(ordering: .relaxed)
            )
        }
        set {
            incompleteCount.store(newValue.incompleteOperationCount, ordering: .relaxed)
            incompleteSize.store(newValue.incompleteOperationSize, ordering: .relaxed)
            unackedCount.store(newValue.unackedOperationCount, ordering: .relaxed)
            unackedSize.store(newValue.unackedOperationSize, ordering: .relaxed)
        }
    }
}
