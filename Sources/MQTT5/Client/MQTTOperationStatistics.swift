/// Counts and sizes of the operations the client tracks (as AWS CRT's `OperationStatisticsData`).
public struct MQTTOperationStatistics: Hashable, Sendable {
    /// Operations submitted and not yet completed (queued, or sent and waiting for an acknowledgement).
    public var incompleteOperationCount: Int
    /// The total encoded size in bytes of the incomplete operations.
    public var incompleteOperationSize: Int
    /// Operations sent and waiting for an acknowledgement (a subset of the incomplete ones).
    public var unackedOperationCount: Int
    /// The total encoded size in bytes of the unacknowledged operations.
    public var unackedOperationSize: Int

    /// Creates statistics.
    public init(
        incompleteOperationCount: Int = 0, incompleteOperationSize: Int = 0, unackedOperationCount: Int = 0,
        unackedOperationSize: Int = 0
    ) {
        self.incompleteOperationCount = incompleteOperationCount
        self.incompleteOperationSize = incompleteOperationSize
        self.unackedOperationCount = unackedOperationCount
        self.unackedOperationSize = unackedOperationSize
    }
}
