import NIOCore

/// A token bucket, free of clocks: it refills at ``rate`` tokens per second up to ``capacity``
/// and answers, for a cost and the current time, whether the cost can be paid now or when it can.
///
/// A cost above the capacity is paid with a full bucket (the balance goes negative), so that an
/// operation larger than one second's budget is delayed, never refused.
struct MQTTTokenBucket: Hashable {
    /// Tokens added per second.
    let rate: Double
    /// The most tokens the bucket holds (the burst).
    let capacity: Double
    /// The tokens available at ``refilledAt``.
    private(set) var tokens: Double
    /// When ``tokens`` was last brought up to date.
    private var refilledAt: NIODeadline?

    /// Creates a full bucket.
    ///
    /// - Parameters:
    ///   - rate: Tokens per second (positive).
    ///   - capacity: The burst, in tokens (positive).
    init(rate: Double, capacity: Double) {
        precondition(rate > 0 && capacity > 0, "a token bucket needs a positive rate and capacity")
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
    }

    /// Pays `cost` at `now` if the bucket allows it.
    ///
    /// - Returns: `nil` when paid; otherwise the earliest time the cost can be paid (nothing is taken).
    mutating func take(_ cost: Double, now: NIODeadline) -> NIODeadline? {
        guard let wait = delay(for: cost, now: now) else {
            tokens -= cost
            return nil
        }
        return wait
    }

    /// When `cost` can be paid: `nil` for now, else the deadline. Takes nothing.
    mutating func delay(for cost: Double, now: NIODeadline) -> NIODeadline? {
        refill(now: now)
        let needed = min(cost, capacity)
        // A relative tolerance absorbs rounding of the refill, so a wait never ends short.
        let missing = needed - tokens
        guard missing > capacity * 1e-12 else { return nil }
        // Rounded up, except for rounding noise around a whole nanosecond, so that a budget of
        // 1/100 s is 10 ms and not 10 ms and 1 ns.
        let exact = missing / rate * 1e9
        let nearest = exact.rounded()
        let nanoseconds = (exact - nearest).magnitude < 1e-3 ? nearest : exact.rounded(.up)
        return now + .nanoseconds(Int64(min(max(nanoseconds, 1), Double(Int64.max / 2))))
    }

    private mutating func refill(now: NIODeadline) {
        defer { refilledAt = now }
        guard let refilledAt, now > refilledAt else { return }
        let elapsed = Double((now - refilledAt).nanoseconds) / 1e9
        tokens = min(capacity, tokens + elapsed * rate)
    }
}
