import Dispatch
import NIOCore

/// The session-store side of a client, confined to the client's event loop (as
/// ``MQTTClientCore``): the work (socket writes, deliveries, closes) waiting for the commit of
/// the session changes made before it, and the publishes recovered from the store.
///
/// ``MQTTClientCore/afterSessionCommit(_:)`` drives it; see ``MQTTSessionStore`` for the design.
final class MQTTSessionPersistence {
    let store: any MQTTSessionStore
    /// The serial queue commits run on; `nil` for a store that commits inline.
    let queue: DispatchQueue?
    /// Work in submission order, waiting for the commit of the changes made before it.
    var waiting: [() -> Void] = []
    /// Whether work is being committed or performed (new work then waits its turn).
    var isBusy = false
    /// Inbound publishes to hand to the application once their session change is committed.
    var deferredDeliveries: [(publish: MQTTPublishPacket, acknowledgement: MQTTInboundAcknowledgementID?)] = []
    /// Why the store failed; once set nothing more is committed or written.
    var failure: MQTTError?
    /// The publishes recovered from the store.
    var recovery = MQTTRecoveryTracker()

    init(store: any MQTTSessionStore) {
        self.store = store
        self.queue =
            store.commitsInline ? nil : DispatchQueue(label: "mqtt.session-store.\(store.clientIdentifier)")
    }

    /// Reads the store, after any commit in progress (the event loop waits for it, once, at start).
    func load() throws(MQTTError) -> MQTTSessionSnapshot {
        let store = self.store
        guard let queue else { return try store.load() }
        let result = queue.sync { Result { () throws(MQTTError) in try store.load() } }
        return try result.get()
    }

    func takeWaiting() -> [() -> Void] {
        defer { waiting.removeAll() }
        return waiting
    }

    func takeDeliveries() -> [(publish: MQTTPublishPacket, acknowledgement: MQTTInboundAcknowledgementID?)] {
        defer { deferredDeliveries.removeAll() }
        return deferredDeliveries
    }
}

/// The publishes recovered from a session store and the callers of
/// ``MQTTClient/recoveredPublishes()`` waiting for their outcomes.
struct MQTTRecoveryTracker {
    private var pending: [UInt64: (packet: MQTTPublishPacket, wasSent: Bool, resent: Bool)] = [:]
    private var finished: [UInt64: MQTTRecoveredPublish] = [:]
    private var hasRestored = false
    private var waiters: [EventLoopPromise<[MQTTRecoveredPublish]>] = []

    /// The records a start restored.
    mutating func restored(_ records: [MQTTStoredPublish]) -> [EventLoopPromise<[MQTTRecoveredPublish]>] {
        hasRestored = true
        for record in records {
            finished.removeValue(forKey: record.sequence)
            pending[record.sequence] = (record.packet, record.packetIdentifier != nil, false)
        }
        return takeWaitersIfDone()
    }

    /// The broker had no session: recovered publishes that had been sent and are still pending
    /// were queued again as new messages.
    mutating func sessionNotResumed() {
        for (sequence, entry) in pending where entry.wasSent {
            pending[sequence]?.resent = true
        }
    }

    mutating func finish(
        _ sequence: UInt64, _ result: Result<MQTTPublishResult, MQTTError>
    ) -> [EventLoopPromise<[MQTTRecoveredPublish]>] {
        guard let entry = pending.removeValue(forKey: sequence) else { return [] }
        finished[sequence] = MQTTRecoveredPublish(
            sequence: sequence, packet: entry.packet, result: result, wasResentAsNewMessage: entry.resent)
        return takeWaitersIfDone()
    }

    /// Registers a waiter; returns the outcomes at once when every recovered publish has finished.
    mutating func wait(_ promise: EventLoopPromise<[MQTTRecoveredPublish]>) -> [MQTTRecoveredPublish]? {
        if hasRestored, pending.isEmpty { return outcomes }
        waiters.append(promise)
        return nil
    }

    mutating func removeWaiter(_ promise: EventLoopPromise<[MQTTRecoveredPublish]>) -> Bool {
        guard let index = waiters.firstIndex(where: { $0.futureResult === promise.futureResult }) else { return false }
        waiters.remove(at: index)
        return true
    }

    var outcomes: [MQTTRecoveredPublish] {
        finished.values.sorted { $0.sequence < $1.sequence }
    }

    private mutating func takeWaitersIfDone() -> [EventLoopPromise<[MQTTRecoveredPublish]>] {
        guard hasRestored, pending.isEmpty else { return [] }
        defer { waiters.removeAll() }
        return waiters
    }
}
