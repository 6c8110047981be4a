import NIOCore

/// The flow control of outbound operations, free of clocks and I/O: the publish and byte rates
/// (``MQTTFlowControl``), the offline-queue draining rate after a reconnection
/// (``MQTTOfflineQueuePolicy/drainingRate``) and the subscription limit. It answers, for one
/// operation at a time, whether to send it now, when to try again, or to hold it.
struct MQTTOutboundThrottle {
    /// The answer for one operation.
    enum Admission: Equatable {
        /// Send it now (the budgets are charged).
        case now
        /// Try again at the deadline (nothing is charged).
        case wait(until: NIODeadline)
        /// A SUBSCRIBE that would exceed the subscription limit: keep it until room is freed.
        case held
        /// Fail it: it can never be sent under the limit.
        case reject(String)
    }

    private var publishes: MQTTTokenBucket?
    private var bytes: MQTTTokenBucket?
    private let drainingRate: Double?
    private var draining: MQTTTokenBucket?
    let maximumSubscriptions: Int?
    /// The topic filters the broker acknowledged on this session.
    private(set) var subscribed: Set<String> = []

    /// Creates the throttle of a configuration; limits that are `nil` or not positive are off.
    init(flowControl: MQTTFlowControl, drainingRate: Double?) {
        if let rate = flowControl.publishesPerSecond, rate > 0, rate.isFinite {
            publishes = MQTTTokenBucket(rate: rate, capacity: max(rate, 1))
        }
        if let rate = flowControl.bytesPerSecond, rate > 0 {
            bytes = MQTTTokenBucket(rate: Double(rate), capacity: Double(rate))
        }
        self.drainingRate = drainingRate.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        self.maximumSubscriptions = flowControl.maximumSubscriptions.map { max($0, 0) }
    }

    /// Whether any limit applies (when not, every operation is sent at once).
    var isActive: Bool {
        publishes != nil || bytes != nil || draining != nil || maximumSubscriptions != nil
    }

    /// Whether queued operations are being drained at the draining rate.
    var isDraining: Bool { draining != nil }

    /// A connection was accepted with `backlog` operations queued: drain them at the draining
    /// rate (the first at once). A session the broker did not resume has no subscriptions.
    mutating func connectionAccepted(sessionPresent: Bool, backlog: Int) {
        if !sessionPresent { subscribed.removeAll() }
        draining = drainingRate.flatMap { backlog > 0 ? MQTTTokenBucket(rate: $0, capacity: 1) : nil }
    }

    /// The queue is empty: draining is over until the next reconnection.
    mutating func queueEmptied() {
        draining = nil
    }

    /// Decides about one operation.
    ///
    /// - Parameters:
    ///   - isPublish: Whether it is a PUBLISH (counted against the publish rate).
    ///   - filters: The topic filters of a SUBSCRIBE; `nil` for other operations.
    ///   - pendingFilters: The filters of the SUBSCRIBEs sent and not yet acknowledged (needed
    ///     for a SUBSCRIBE under a subscription limit only).
    ///   - size: Its encoded size, counted against the byte rate.
    ///   - now: The current time.
    mutating func admit(
        isPublish: Bool, filters: [String]?, pendingFilters: Set<String>, size: Int,
        now: NIODeadline
    ) -> Admission {
        if let maximumSubscriptions, let filters {
            let new = Set(filters).subtracting(subscribed).subtracting(pendingFilters)
            if new.count > maximumSubscriptions {
                return .reject(
                    "the SUBSCRIBE has \(new.count) new topic filters; the subscription limit is \(maximumSubscriptions)"
                )
            }
            if subscribed.union(pendingFilters).count + new.count > maximumSubscriptions { return .held }
        }
        var deadline: NIODeadline?
        func later(_ candidate: NIODeadline?) {
            guard let candidate else { return }
            deadline = max(deadline ?? candidate, candidate)
        }
        if isPublish { later(publishes?.delay(for: 1, now: now)) }
        later(bytes?.delay(for: Double(size), now: now))
        later(draining?.delay(for: 1, now: now))
        if let deadline { return .wait(until: deadline) }
        if isPublish { _ = publishes?.take(1, now: now) }
        _ = bytes?.take(Double(size), now: now)
        _ = draining?.take(1, now: now)
        return .now
    }

    /// The broker answered a SUBSCRIBE: the granted filters count against the limit.
    mutating func subscribeAcknowledged(_ filters: [String], reasonCodes: [MQTTSubAckReasonCode]) {
        guard maximumSubscriptions != nil else { return }
        for (filter, code) in zip(filters, reasonCodes) where !code.isError {
            subscribed.insert(filter)
        }
    }

    /// The broker answered an UNSUBSCRIBE: removed filters free room (all of them with MQTT
    /// 3.1.1, whose UNSUBACK has no reason codes).
    mutating func unsubscribeAcknowledged(_ filters: [String], reasonCodes: [MQTTUnsubAckReasonCode]) {
        guard maximumSubscriptions != nil else { return }
        for (index, filter) in filters.enumerated() {
            if index < reasonCodes.count, reasonCodes[index].isError { continue }
            subscribed.remove(filter)
        }
    }
}
