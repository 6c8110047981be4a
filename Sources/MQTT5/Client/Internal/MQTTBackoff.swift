/// A sequence of retry delays: exponential backoff with jitter (see "Exponential Backoff And
/// Jitter", AWS Architecture Blog). The one backoff of the package: the client's reconnection
/// (``MQTTReconnectPolicy``) and the request-response layer's streaming-subscription retries.
///
/// The n-th consecutive failure (from 0) waits `minimumDelay * 2^n`, capped at `maximumDelay`,
/// modified by `jitter`. A value type: each retried thing holds its own. Jitter is drawn from the
/// generator passed to ``nextDelay(using:)``, so a seeded generator gives a reproducible sequence.
package struct MQTTBackoff: Hashable, Sendable {
    /// The first delay, and the lower bound of the sequence (zero or more).
    package var minimumDelay: Duration
    /// The upper bound of the sequence (raised to ``minimumDelay`` when below it).
    package var maximumDelay: Duration
    /// How each delay is randomised.
    package var jitter: MQTTReconnectPolicy.Jitter
    /// Consecutive failures counted since the last ``reset()``.
    package private(set) var failures = 0
    /// The previous delay in nanoseconds, which decorrelated jitter grows from.
    private var previousNanoseconds: Int64

    /// Creates a sequence starting from `minimumDelay`.
    ///
    /// - Parameters:
    ///   - minimumDelay: The first delay and lower bound.
    ///   - maximumDelay: The upper bound.
    ///   - jitter: The randomisation (``MQTTReconnectPolicy/Jitter/none`` for exact doubling).
    package init(minimumDelay: Duration, maximumDelay: Duration, jitter: MQTTReconnectPolicy.Jitter) {
        self.minimumDelay = minimumDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
        self.previousNanoseconds = Self.nanoseconds(minimumDelay)
    }

    /// Creates the reconnect delay sequence of `policy`.
    ///
    /// - Parameter policy: The delays and jitter (its ``MQTTReconnectPolicy/resetAfter`` is the
    ///   caller's business).
    package init(policy: MQTTReconnectPolicy) {
        self.init(minimumDelay: policy.minimumDelay, maximumDelay: policy.maximumDelay, jitter: policy.jitter)
    }

    /// The delay before the next attempt; each call counts one more failure.
    ///
    /// - Parameter generator: Where jitter is drawn from (unused without jitter).
    /// - Returns: A delay between zero (full jitter) or ``minimumDelay`` and ``maximumDelay``.
    package mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        let minimum = Self.nanoseconds(minimumDelay)
        let maximum = max(minimum, Self.nanoseconds(maximumDelay))
        let exponential = Self.exponential(minimum, failures: failures, maximum: maximum)
        let delay: Int64
        switch jitter.kind {
        case .none:
            delay = exponential
        case .full:
            delay = Int64.random(in: 0...exponential, using: &generator)
        case .decorrelated:
            let (tripled, overflow) = previousNanoseconds.multipliedReportingOverflow(by: 3)
            let upper = min(maximum, max(minimum, overflow ? maximum : tripled))
            delay = Int64.random(in: minimum...upper, using: &generator)
        }
        previousNanoseconds = delay
        if failures < Int.max { failures += 1 }
        return .nanoseconds(delay)
    }

    /// The delay before the next attempt, with jitter from the system generator.
    ///
    /// - Returns: See ``nextDelay(using:)``.
    package mutating func nextDelay() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    /// Starts again from ``minimumDelay`` (a connection lasted long enough, a retry succeeded).
    package mutating func reset() {
        failures = 0
        previousNanoseconds = Self.nanoseconds(minimumDelay)
    }

    /// `minimum * 2^failures`, capped at `maximum` without overflowing.
    private static func exponential(_ minimum: Int64, failures: Int, maximum: Int64) -> Int64 {
        guard minimum > 0 else { return 0 }
        guard failures < 63 else { return maximum }
        let (product, overflow) = minimum.multipliedReportingOverflow(by: Int64(1) << failures)
        return overflow ? maximum : min(product, maximum)
    }

    /// The duration in whole nanoseconds, clamped to `0...Int64.max`.
    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return .max }
        return max(0, sum)
    }
}
