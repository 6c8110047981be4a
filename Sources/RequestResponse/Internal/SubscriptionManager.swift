import NIOCore
import MQTT5

/// The subscription manager: one record per topic filter, shared by every operation of the
/// same kind, within two budgets.
///
/// A pure state machine: events in (`acquire`, `release`, acknowledgements, connection
/// changes, timer callbacks), actions out. It never touches the network or a clock; the
/// caller performs the actions and passes the time in.
///
/// Budgets count records of each kind, including unused records not yet removed and records
/// being unsubscribed. Unused request-response records stay subscribed ("warm") until their
/// slot is needed by another filter (least recently used first) or they have been idle for
/// ``Configuration/idleTimeout``. Unused streaming records are unsubscribed at once.
struct SubscriptionManager {
    /// The two kinds of subscriptions, each with its own budget.
    enum Kind: Hashable, Sendable, CustomStringConvertible {
        case requestResponse
        case streaming

        var description: String { self == .requestResponse ? "request-response" : "streaming" }
    }

    /// The identifier of an operation (request or stream) holding records.
    typealias ListenerID = UInt64

    struct Configuration: Sendable {
        var maxRequestResponseSubscriptions: Int
        var maxStreamingSubscriptions: Int
        /// How long an unused request-response record stays subscribed; `nil` keeps it until its slot is needed.
        var idleTimeout: Duration?
        /// The first delay before a retryable streaming SUBSCRIBE failure is retried.
        var retryInitialBackoff: Duration = .seconds(1)
        /// The cap of the exponential retry delay.
        var retryMaximumBackoff: Duration = .seconds(60)

        /// The retry delays of a streaming record: doubling from the initial delay, capped, no jitter.
        var retryBackoff: MQTTBackoff {
            MQTTBackoff(minimumDelay: retryInitialBackoff, maximumDelay: retryMaximumBackoff, jitter: .none)
        }

        func limit(_ kind: Kind) -> Int {
            kind == .requestResponse ? maxRequestResponseSubscriptions : maxStreamingSubscriptions
        }
    }

    enum Status: Hashable, Sendable {
        /// Not subscribed and nothing in flight.
        case unsubscribed
        /// SUBSCRIBE sent with this generation; waiting for the SUBACK.
        case subscribing(UInt64)
        case subscribed
        /// UNSUBSCRIBE sent with this generation; waiting for the UNSUBACK.
        case unsubscribing(UInt64)
    }

    struct Record: Sendable {
        let filter: String
        let kind: Kind
        var listeners: Set<ListenerID> = []
        var status: Status = .unsubscribed
        /// Set after a non-retryable failure of a streaming record; acquiring it fails until every listener released it.
        var poison: RequestResponseError?
        var lastUsed: NIODeadline
        /// The delays of this record's SUBSCRIBE retries (reset when a SUBSCRIBE is granted).
        var retryBackoff: MQTTBackoff
        var retryAt: NIODeadline?

        var isUnused: Bool { listeners.isEmpty }
    }

    /// The answer to ``acquire(_:kind:listener:now:reservedAhead:)``.
    enum AcquireResult: Sendable {
        /// Every filter is subscribed: go now.
        case subscribed
        /// Joined; waiting for the SUBACK of these filters (only these).
        case subscribing(pending: [String])
        /// No room now; room may come. Nothing was acquired. `newRecordsNeeded` is the room this
        /// operation needs, for the caller's reservations.
        case blocked(newRecordsNeeded: Int)
        /// Streaming only: no room now and none will come.
        case noCapacity
        /// A filter cannot be used (type conflict, poisoned, shut down). Nothing was acquired.
        case failure(RequestResponseError)
    }

    /// What a SUBSCRIBE came to.
    enum SubscribeOutcome: Sendable {
        case granted
        /// SUBACK with an error reason code (>= 0x80).
        case rejected(MQTTSubAckReasonCode)
        /// The transport failed the request (for example the connection dropped).
        case transportFailure(any Error)
        /// No SUBACK within the acknowledgement timeout.
        case timedOut
    }

    /// What an UNSUBSCRIBE came to.
    enum UnsubscribeOutcome: Sendable {
        case success
        case rejected(MQTTUnsubAckReasonCode)
        case transportFailure(any Error)
        case timedOut
    }

    enum Action: Sendable {
        /// Send SUBSCRIBE; report the outcome with this generation.
        case subscribe(filter: String, generation: UInt64)
        /// Send UNSUBSCRIBE; report the outcome with this generation.
        case unsubscribe(filter: String, generation: UInt64)
        /// The SUBACK arrived: these listeners are now subscribed to `filter`.
        case established(filter: String, kind: Kind, listeners: [ListenerID])
        /// SUBSCRIBE failed for good: request listeners fail; stream listeners are halted
        /// (the record is poisoned until they all release it).
        case failed(filter: String, kind: Kind, listeners: [ListenerID], error: RequestResponseError)
        /// The connection came back without the session: these listeners lost `filter`; a
        /// resubscribe is under way (a `subscribe` action follows).
        case lost(filter: String, kind: Kind, listeners: [ListenerID], error: RequestResponseError)
        /// Call ``retryDue(filter:now:)`` at this time.
        case scheduleRetry(filter: String, at: NIODeadline)
        /// Call ``evictIdle(now:)`` at this time.
        case scheduleIdleSweep(at: NIODeadline)
    }

    /// SUBACK reason codes that are never retried for streams (user error or unsupported feature).
    static let nonRetryableReasonCodes: Set<MQTTSubAckReasonCode> = [
        .notAuthorized, .topicFilterInvalid, .sharedSubscriptionsNotSupported,
        .subscriptionIdentifiersNotSupported, .wildcardSubscriptionsNotSupported,
    ]

    let configuration: Configuration
    private(set) var records: [String: Record] = [:]
    private(set) var isOnline: Bool
    private(set) var isShutDown = false
    /// Records per kind (two fields, not a dictionary: read on every acquire).
    private var requestResponseCount = 0
    private var streamingCount = 0
    private var nextGeneration: UInt64 = 1
    private var idleSweepScheduled = false
    /// Set when something changed that may let a blocked acquire proceed (a record was
    /// created, removed, became unused or failed to unsubscribe, or the connection came up).
    /// The caller clears it after rescanning its queue.
    var admissionMayProceed = false
    /// Bumped whenever a filter may have become joinable without new capacity (a record was
    /// created, or went back to subscribed after a refused UNSUBSCRIBE) or a record was removed.
    /// While it is unchanged, an operation that could not join before still cannot, so the
    /// caller need not look again (see ``canJoinWithoutCapacity(_:kind:)``).
    private(set) var joinVersion: UInt64 = 0

    init(configuration: Configuration, isOnline: Bool) {
        self.configuration = configuration
        self.isOnline = isOnline
    }

    /// The number of records of `kind` (what the budget counts).
    func count(_ kind: Kind) -> Int { kind == .requestResponse ? requestResponseCount : streamingCount }

    private mutating func adjustCount(_ kind: Kind, by delta: Int) {
        if kind == .requestResponse {
            requestResponseCount += delta
        } else {
            streamingCount += delta
        }
    }

    func record(_ filter: String) -> Record? { records[filter] }

    // MARK: Acquire and release

    /// Acquires every filter in `filters` (distinct) for `listener`, all or nothing.
    ///
    /// - Parameter reservedAhead: room of this kind promised to operations queued before this
    ///   one; it is not taken from them (fairness).
    mutating func acquire(
        _ filters: [String], kind: Kind, listener: ListenerID, now: NIODeadline, reservedAhead: Int = 0
    ) -> (AcquireResult, [Action]) {
        if isShutDown { return (.failure(.clientShutDown()), []) }
        var missing = 0
        var mustWait = false
        for filter in filters {
            guard let record = records[filter] else {
                missing += 1
                continue
            }
            if record.kind != kind {
                return (
                    .failure(
                        .invalidArgument(
                            "topic filter '\(filter)' is already used by a \(record.kind) operation; it cannot also be used for \(kind)"
                        )), []
                )
            }
            if let poison = record.poison { return (.failure(poison), []) }
            if case .unsubscribing = record.status { mustWait = true }
        }
        if mustWait { return (.blocked(newRecordsNeeded: missing), []) }

        var actions: [Action] = []
        if missing > 0 {
            let limit = configuration.limit(kind)
            if missing > limit - count(kind) - reservedAhead {
                // Make room: evict unused records, least recently used first, beyond the room
                // that unsubscribes already in flight will free.
                var toFree = missing - (limit - count(kind) - reservedAhead) - unsubscribingCount(kind)
                while toFree > 0, let victim = leastRecentlyUsedEvictable(kind, excluding: filters) {
                    evict(victim, actions: &actions)
                    toFree -= 1
                }
                if missing > limit - count(kind) - reservedAhead {
                    if kind == .streaming, count(kind) - futureRoom(kind) + missing > limit {
                        return (.noCapacity, actions)
                    }
                    return (.blocked(newRecordsNeeded: missing), actions)
                }
            }
        }

        var pending: [String] = []
        for filter in filters {
            // Moved out of the dictionary, not copied: a copy would share the listener set's
            // storage and make the insert copy it, O(listeners) per request.
            if var record = records.removeValue(forKey: filter) {
                record.listeners.insert(listener)
                record.lastUsed = now
                if record.status != .subscribed {
                    pending.append(filter)
                    if record.status == .unsubscribed, record.retryAt == nil, isOnline {
                        record.status = startSubscribe(filter, actions: &actions)
                    }
                }
                records[filter] = record
            } else {
                var record = Record(filter: filter, kind: kind, lastUsed: now, retryBackoff: configuration.retryBackoff)
                record.listeners.insert(listener)
                if isOnline { record.status = startSubscribe(filter, actions: &actions) }
                records[filter] = record
                adjustCount(kind, by: 1)
                admissionMayProceed = true
                joinVersion &+= 1
                pending.append(filter)
            }
        }
        return (pending.isEmpty ? .subscribed : .subscribing(pending: pending), actions)
    }

    /// Releases `listener`'s hold on `filters`. Unused request-response records stay warm;
    /// unused streaming records are unsubscribed.
    mutating func release(_ filters: [String], listener: ListenerID, now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        for filter in filters {
            guard records[filter]?.listeners.contains(listener) == true,
                var record = records.removeValue(forKey: filter)  // moved, not copied (see acquire)
            else { continue }
            record.listeners.remove(listener)
            if record.listeners.isEmpty {
                record.lastUsed = now
                records[filter] = record
                becameUnused(filter, now: now, actions: &actions)
            } else {
                records[filter] = record
            }
        }
        return actions
    }

    // MARK: Acknowledgements

    mutating func subscribeCompleted(
        filter: String, generation: UInt64, outcome: SubscribeOutcome, now: NIODeadline
    ) -> [Action] {
        guard var record = records[filter], record.status == .subscribing(generation) else { return [] }
        var actions: [Action] = []
        switch outcome {
        case .granted:
            record.status = .subscribed
            record.retryBackoff.reset()
            record.retryAt = nil
            records[filter] = record
            if record.isUnused {
                becameUnused(filter, now: now, actions: &actions)
            } else {
                actions.append(.established(filter: filter, kind: record.kind, listeners: record.listeners.sorted()))
            }
            return actions
        case .rejected, .transportFailure, .timedOut:
            record.status = .unsubscribed
            records[filter] = record
            if record.isUnused {
                remove(filter)
                return actions
            }
            let error = Self.subscribeError(filter: filter, outcome: outcome)
            let retryable = Self.isRetryable(outcome)
            switch record.kind {
            case .requestResponse:
                if case .transportFailure = outcome, !isOnline {
                    // The connection dropped; subscribe again when it is back (deadlines still run).
                    return actions
                }
                actions.append(
                    .failed(filter: filter, kind: .requestResponse, listeners: record.listeners.sorted(), error: error))
            case .streaming:
                if retryable {
                    let at = now + record.retryBackoff.nextDelay()
                    record.retryAt = at
                    records[filter] = record
                    actions.append(.scheduleRetry(filter: filter, at: at))
                } else {
                    record.poison = error
                    records[filter] = record
                    actions.append(
                        .failed(filter: filter, kind: .streaming, listeners: record.listeners.sorted(), error: error))
                }
            }
            return actions
        }
    }

    mutating func unsubscribeCompleted(
        filter: String, generation: UInt64, outcome: UnsubscribeOutcome, now: NIODeadline
    ) -> [Action] {
        guard var record = records[filter], record.status == .unsubscribing(generation) else { return [] }
        switch outcome {
        case .success, .timedOut:
            // Without an UNSUBACK we cannot know; free the slot rather than hold it forever.
            remove(filter)
        case .rejected, .transportFailure:
            // Still subscribed as far as we know; kept unused and evictable on demand (no retry loop).
            record.status = .subscribed
            record.lastUsed = now
            records[filter] = record
            admissionMayProceed = true
            joinVersion &+= 1
        }
        return []
    }

    // MARK: Connection

    mutating func disconnected() {
        isOnline = false
    }

    mutating func connected(sessionPresent: Bool, now: NIODeadline) -> [Action] {
        isOnline = true
        admissionMayProceed = true
        var actions: [Action] = []
        for filter in records.keys.sorted() {
            guard var record = records[filter] else { continue }
            switch (record.status, sessionPresent) {
            case (.unsubscribed, _):
                if record.isUnused {
                    remove(filter)
                } else if record.poison == nil {
                    record.retryAt = nil
                    record.status = startSubscribe(filter, actions: &actions)
                    records[filter] = record
                }
            case (.subscribed, true):
                if record.isUnused, record.kind == .streaming {
                    record.status = startUnsubscribe(filter, actions: &actions)
                    records[filter] = record
                }
            case (.subscribing, true), (.unsubscribing, true):
                break  // the acknowledgement (or its failure) is still to come
            case (.subscribed, false):
                if record.isUnused {
                    remove(filter)
                } else {
                    let error = RequestResponseError(
                        code: .sessionLost,
                        message:
                            "the connection was re-established without the session; the subscription to '\(filter)' was lost and is being renewed"
                    )
                    actions.append(
                        .lost(filter: filter, kind: record.kind, listeners: record.listeners.sorted(), error: error))
                    record.status = startSubscribe(filter, actions: &actions)
                    records[filter] = record
                }
            case (.subscribing, false):
                if record.isUnused {
                    remove(filter)
                } else {
                    record.status = startSubscribe(filter, actions: &actions)
                    records[filter] = record
                }
            case (.unsubscribing, false):
                remove(filter)
            }
        }
        return actions
    }

    // MARK: Timers

    /// A streaming record's retry time has come.
    mutating func retryDue(filter: String, now: NIODeadline) -> [Action] {
        guard var record = records[filter], record.status == .unsubscribed, record.poison == nil,
            !record.isUnused, let at = record.retryAt, at <= now, isOnline
        else { return [] }
        var actions: [Action] = []
        record.retryAt = nil
        record.status = startSubscribe(filter, actions: &actions)
        records[filter] = record
        return actions
    }

    /// Unsubscribes request-response records unused for at least the idle timeout.
    mutating func evictIdle(now: NIODeadline) -> [Action] {
        idleSweepScheduled = false
        guard let idle = configuration.idleTimeout else { return [] }
        var actions: [Action] = []
        var earliest: NIODeadline?
        for filter in records.keys.sorted() {
            guard var record = records[filter], record.kind == .requestResponse, record.isUnused else { continue }
            switch record.status {
            case .subscribed where isOnline && record.lastUsed + idle <= now:
                record.status = startUnsubscribe(filter, actions: &actions)
                records[filter] = record
            case .subscribed, .subscribing:
                earliest = min(earliest ?? record.lastUsed, record.lastUsed)
            case .unsubscribed, .unsubscribing:
                break
            }
        }
        if let earliest {
            idleSweepScheduled = true
            actions.append(.scheduleIdleSweep(at: max(earliest + idle, now + .milliseconds(1))))
        }
        return actions
    }

    // MARK: Shutdown

    /// Unsubscribes everything (when online) and forgets every record; later acquires fail.
    mutating func shutdown() -> [Action] {
        isShutDown = true
        var actions: [Action] = []
        for filter in records.keys.sorted() {
            guard let record = records[filter] else { continue }
            switch record.status {
            case .subscribed, .subscribing:
                if isOnline { _ = startUnsubscribe(filter, actions: &actions) }
            case .unsubscribed, .unsubscribing:
                break
            }
        }
        records.removeAll()
        requestResponseCount = 0
        streamingCount = 0
        joinVersion &+= 1
        return actions
    }

    // MARK: Helpers

    private mutating func becameUnused(_ filter: String, now: NIODeadline, actions: inout [Action]) {
        guard var record = records[filter] else { return }
        if record.poison != nil || record.status == .unsubscribed {
            remove(filter)
            return
        }
        switch (record.kind, record.status) {
        case (.requestResponse, .subscribed):
            admissionMayProceed = true  // evictable now
            if let idle = configuration.idleTimeout, !idleSweepScheduled {
                idleSweepScheduled = true
                actions.append(.scheduleIdleSweep(at: now + idle))
            }
        case (.streaming, .subscribed):
            if isOnline {
                record.status = startUnsubscribe(filter, actions: &actions)
                records[filter] = record
            }
        default:
            break  // subscribing: decided when the SUBACK arrives
        }
    }

    private mutating func startSubscribe(_ filter: String, actions: inout [Action]) -> Status {
        let generation = nextGeneration
        nextGeneration += 1
        actions.append(.subscribe(filter: filter, generation: generation))
        return .subscribing(generation)
    }

    private mutating func startUnsubscribe(_ filter: String, actions: inout [Action]) -> Status {
        let generation = nextGeneration
        nextGeneration += 1
        actions.append(.unsubscribe(filter: filter, generation: generation))
        return .unsubscribing(generation)
    }

    private mutating func remove(_ filter: String) {
        guard let record = records.removeValue(forKey: filter) else { return }
        adjustCount(record.kind, by: -1)
        admissionMayProceed = true
        joinVersion &+= 1
    }

    private mutating func evict(_ filter: String, actions: inout [Action]) {
        guard var record = records[filter] else { return }
        if record.status == .unsubscribed {
            remove(filter)
        } else {
            record.status = startUnsubscribe(filter, actions: &actions)
            records[filter] = record
        }
    }

    private func unsubscribingCount(_ kind: Kind) -> Int {
        records.values.reduce(0) { count, record in
            if record.kind == kind, case .unsubscribing = record.status { return count + 1 }
            return count
        }
    }

    /// Records of `kind` that will free their slot without anyone releasing them.
    private func futureRoom(_ kind: Kind) -> Int {
        records.values.reduce(0) { count, record in
            guard record.kind == kind else { return count }
            if case .unsubscribing = record.status { return count + 1 }
            return record.isUnused ? count + 1 : count
        }
    }

    /// The unused record of `kind` used longest ago that can be evicted now: subscribed (and
    /// online, so UNSUBSCRIBE can be sent) or never subscribed.
    private func leastRecentlyUsedEvictable(_ kind: Kind, excluding filters: [String]) -> String? {
        var best: Record?
        for record in records.values where record.kind == kind && record.isUnused {
            switch record.status {
            case .subscribed where isOnline, .unsubscribed: break
            default: continue
            }
            if filters.contains(record.filter) { continue }
            if best == nil || record.lastUsed < best!.lastUsed
                || (record.lastUsed == best!.lastUsed && record.filter < best!.filter)
            {
                best = record
            }
        }
        return best?.filter
    }

    static func isRetryable(_ outcome: SubscribeOutcome) -> Bool {
        switch outcome {
        case .granted: true
        case .rejected(let code): !nonRetryableReasonCodes.contains(code)
        case .transportFailure, .timedOut: true
        }
    }

    static func subscribeError(filter: String, outcome: SubscribeOutcome) -> RequestResponseError {
        switch outcome {
        case .granted:
            RequestResponseError(code: .subscribeFailure, message: "SUBSCRIBE to '\(filter)' succeeded")
        case .rejected(let code):
            RequestResponseError(
                code: .subscribeFailure,
                message: "the broker rejected SUBSCRIBE to '\(filter)' (\(code))",
                reasonCode: .subAck(code)
            )
        case .transportFailure(let cause):
            RequestResponseError(
                code: .subscribeFailure, message: "SUBSCRIBE to '\(filter)' failed in the transport", cause: cause)
        case .timedOut:
            RequestResponseError(
                code: .subscribeFailure, message: "no SUBACK for '\(filter)' within the operation timeout")
        }
    }

}

extension SubscriptionManager {
    /// Whether `filters` can all be joined without new capacity: each has a record of `kind`
    /// that is neither poisoned nor being unsubscribed.
    func canJoinWithoutCapacity(_ filters: [String], kind: Kind) -> Bool {
        filters.allSatisfy { filter in
            guard let record = records[filter], record.kind == kind, record.poison == nil else { return false }
            if case .unsubscribing = record.status { return false }
            return true
        }
    }
}
