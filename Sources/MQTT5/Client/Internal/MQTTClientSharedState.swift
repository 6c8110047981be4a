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

    var negotiatedSettings: MQTTNegotiatedSettings? {
        get { settings.withLock { $0 } }
        set { settings.withLock { $0 = newValue } }
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
