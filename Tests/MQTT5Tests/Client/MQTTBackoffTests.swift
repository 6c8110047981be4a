@testable import MQTT5
import Testing

@Suite("Backoff and jitter")
struct MQTTBackoffTests {
    static func backoff(
        _ jitter: MQTTReconnectPolicy.Jitter, minimum: Duration = .seconds(1), maximum: Duration = .seconds(10)
    ) -> MQTTBackoff {
        MQTTBackoff(minimumDelay: minimum, maximumDelay: maximum, jitter: jitter)
    }

    static func delays(_ backoff: inout MQTTBackoff, _ count: Int, seed: UInt64) -> [Duration] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in backoff.nextDelay(using: &generator) }
    }

    @Test("No jitter: doubles from the minimum up to the maximum, and reset starts again")
    func exponential() {
        var backoff = Self.backoff(.none)
        #expect(
            Self.delays(&backoff, 6, seed: 1) == [
                .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10),
            ])
        #expect(backoff.failures == 6)
        backoff.reset()
        #expect(backoff.failures == 0)
        #expect(backoff.nextDelay() == .seconds(1))
        #expect(backoff.failures == 1)
    }

    @Test("The request-response retry sequence: initial delay doubled, capped, no jitter")
    func retrySequence() {
        var backoff = Self.backoff(.none, minimum: .milliseconds(100), maximum: .milliseconds(350))
        #expect(
            Self.delays(&backoff, 4, seed: 1) == [
                .milliseconds(100), .milliseconds(200), .milliseconds(350), .milliseconds(350),
            ])
    }

    @Test(
        "Full jitter draws between zero and the exponential delay, reproducibly for a seed",
        arguments: [1, 2, 3] as [UInt64])
    func full(seed: UInt64) {
        var backoff = Self.backoff(.full)
        let delays = Self.delays(&backoff, 40, seed: seed)
        for (failures, delay) in delays.enumerated() {
            #expect(delay >= .zero)
            #expect(delay <= .seconds(min(10, 1 << min(failures, 10))))
        }
        #expect(Set(delays).count > 30)  // drawn, not fixed
        var again = Self.backoff(.full)
        #expect(Self.delays(&again, 40, seed: seed) == delays)
        var other = Self.backoff(.full)
        #expect(Self.delays(&other, 40, seed: seed + 100) != delays)
    }

    @Test(
        "Decorrelated jitter draws between the minimum and three times the previous delay, capped",
        arguments: [1, 2, 3] as [UInt64])
    func decorrelated(seed: UInt64) {
        var backoff = Self.backoff(.decorrelated)
        let delays = Self.delays(&backoff, 100, seed: seed)
        var previous = Duration.seconds(1)
        for delay in delays {
            #expect(delay >= .seconds(1))
            #expect(delay <= min(.seconds(10), previous * 3))
            previous = delay
        }
        var again = Self.backoff(.decorrelated)
        #expect(Self.delays(&again, 100, seed: seed) == delays)
    }

    @Test("Reset also restarts decorrelated jitter from the minimum")
    func decorrelatedReset() {
        var backoff = Self.backoff(.decorrelated, minimum: .seconds(1), maximum: .seconds(1000))
        _ = Self.delays(&backoff, 20, seed: 7)
        backoff.reset()
        let first = Self.delays(&backoff, 1, seed: 8)[0]
        #expect(first >= .seconds(1) && first <= .seconds(3))
    }

    @Test("Huge failure counts do not overflow; odd bounds are tolerated")
    func bounds() {
        var backoff = Self.backoff(.none)
        _ = Self.delays(&backoff, 200, seed: 1)
        #expect(backoff.nextDelay() == .seconds(10))

        var huge = Self.backoff(.none, minimum: .seconds(1), maximum: .seconds(Int64.max))
        let delays = Self.delays(&huge, 100, seed: 1)
        #expect(delays.allSatisfy { $0 >= .seconds(1) })
        #expect(delays == delays.sorted())

        var inverted = Self.backoff(.full, minimum: .seconds(5), maximum: .seconds(1))
        #expect(Self.delays(&inverted, 10, seed: 1).allSatisfy { $0 <= .seconds(5) })

        var zero = Self.backoff(.decorrelated, minimum: .zero, maximum: .seconds(1))
        #expect(Self.delays(&zero, 5, seed: 1) == Array(repeating: .zero, count: 5))

        var negative = Self.backoff(.none, minimum: .seconds(-1), maximum: .seconds(-1))
        #expect(Self.delays(&negative, 3, seed: 1) == [.zero, .zero, .zero])
    }

    @Test("A reconnect policy gives its delays and jitter to the backoff")
    func fromPolicy() {
        let policy = MQTTReconnectPolicy(
            minimumDelay: .milliseconds(20), maximumDelay: .milliseconds(100), jitter: .decorrelated,
            resetAfter: .seconds(1))
        let backoff = MQTTBackoff(policy: policy)
        #expect(
            backoff
                == MQTTBackoff(minimumDelay: .milliseconds(20), maximumDelay: .milliseconds(100), jitter: .decorrelated)
        )
    }
}
