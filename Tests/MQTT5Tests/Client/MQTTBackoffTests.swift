@testable import MQTT5
import Testing

@Suite("Reconnect backoff and jitter")
struct MQTTBackoffTests {
    static let policy = MQTTReconnectPolicy(minimumDelay: .seconds(1), maximumDelay: .seconds(10), jitter: .none, resetAfter: .seconds(30))

    @Test("No jitter: doubles from the minimum up to the maximum, and reset starts again")
    func exponential() {
        var backoff = MQTTBackoff(policy: Self.policy)
        let delays = (0..<6).map { _ in backoff.nextDelay() }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        backoff.reset()
        #expect(backoff.nextDelay() == .seconds(1))
        #expect(backoff.attempts == 1)
    }

    @Test("Full jitter draws between zero and the exponential delay")
    func full() {
        var policy = Self.policy
        policy.jitter = .full
        var ranges: [(Double, Double)] = []
        var backoff = MQTTBackoff(policy: policy) { low, high in
            ranges.append((low, high))
            return high / 2
        }
        #expect(backoff.nextDelay() == .milliseconds(500))
        #expect(backoff.nextDelay() == .seconds(1))
        #expect(ranges.map(\.0) == [0, 0])
        #expect(ranges.map(\.1) == [1e9, 2e9])
        var random = MQTTBackoff(policy: policy)
        for attempt in 0..<50 {
            let delay = random.nextDelay()
            #expect(delay >= .zero)
            #expect(delay <= .seconds(min(10, 1 << min(attempt, 10))))
        }
    }

    @Test("Decorrelated jitter draws between the minimum and three times the previous delay, capped")
    func decorrelated() {
        var policy = Self.policy
        policy.jitter = .decorrelated
        var upper: [Double] = []
        var backoff = MQTTBackoff(policy: policy) { low, high in
            #expect(low == 1e9)
            upper.append(high)
            return high
        }
        for _ in 0..<4 { _ = backoff.nextDelay() }
        #expect(upper == [3e9, 9e9, 10e9, 10e9])
        var random = MQTTBackoff(policy: policy)
        for _ in 0..<100 {
            let delay = random.nextDelay()
            #expect(delay >= .seconds(1) && delay <= .seconds(10))
        }
    }

    @Test("Huge attempt counts do not overflow")
    func noOverflow() {
        var backoff = MQTTBackoff(policy: Self.policy)
        for _ in 0..<200 { _ = backoff.nextDelay() }
        #expect(backoff.nextDelay() == .seconds(10))
    }
}
