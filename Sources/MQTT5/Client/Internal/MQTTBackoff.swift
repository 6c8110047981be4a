/// The reconnect delay sequence of an ``MQTTReconnectPolicy``: exponential backoff with jitter
/// (see "Exponential Backoff And Jitter", AWS Architecture Blog).
struct MQTTBackoff {
    let policy: MQTTReconnectPolicy
    /// Consecutive failures since the last reset.
    private(set) var attempts = 0
    private var previousNanoseconds: Double
    /// Returns a uniformly random value in the closed range; injectable for tests.
    private let uniform: (Double, Double) -> Double

    init(policy: MQTTReconnectPolicy, uniform: @escaping (Double, Double) -> Double = { Double.random(in: $0...$1) }) {
        self.policy = policy
        self.uniform = uniform
        self.previousNanoseconds = Self.nanoseconds(policy.minimumDelay)
    }

    /// The delay before the next attempt; each call counts one more failure.
    mutating func nextDelay() -> Duration {
        let minimum = Self.nanoseconds(policy.minimumDelay)
        let maximum = max(minimum, Self.nanoseconds(policy.maximumDelay))
        let exponential = min(maximum, minimum * pow2(attempts))
        let delay: Double
        switch policy.jitter.kind {
        case .none:
            delay = exponential
        case .full:
            delay = uniform(0, exponential)
        case .decorrelated:
            let upper = min(maximum, max(minimum, previousNanoseconds * 3))
            delay = uniform(minimum, upper)
        }
        previousNanoseconds = delay
        attempts += 1
        return .nanoseconds(Int64(max(0, min(delay, maximum)).rounded()))
    }

    /// Starts again from the minimum delay (after a connection lasted long enough).
    mutating func reset() {
        attempts = 0
        previousNanoseconds = Self.nanoseconds(policy.minimumDelay)
    }

    private func pow2(_ exponent: Int) -> Double {
        exponent >= 62 ? Double(Int64.max) : Double(Int64(1) << exponent)
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return max(0, Double(seconds) * 1e9 + Double(attoseconds) / 1e9)
    }
}
