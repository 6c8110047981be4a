@testable import MQTT5
import NIOCore
import Testing

@Suite("Token bucket (fake clock)")
struct MQTTTokenBucketTests {
    let start = NIODeadline.uptimeNanoseconds(5_000_000_000)

    @Test("100 per second with a burst of 100: 100 at once, then one every 10 ms exactly")
    func publishRate() {
        var bucket = MQTTTokenBucket(rate: 100, capacity: 100)
        for _ in 0..<100 { #expect(bucket.take(1, now: start) == nil) }
        #expect(bucket.take(1, now: start) == start + .milliseconds(10))
        #expect(bucket.take(1, now: start + .milliseconds(9)) == start + .milliseconds(10))
        #expect(bucket.take(1, now: start + .milliseconds(10)) == nil)
        #expect(bucket.take(1, now: start + .milliseconds(10)) == start + .milliseconds(20))
        // Polling at every deadline for one simulated second (from the next deadline, 20 ms)
        // admits exactly 100 more.
        var now = start + .milliseconds(20)
        var admitted = 0
        while now < start + .milliseconds(1020) {
            if let deadline = bucket.take(1, now: now) { now = deadline } else { admitted += 1 }
        }
        #expect(admitted == 100)
    }

    @Test("512 KiB per second: a second 300 KiB waits for the missing 88 KiB, 171.875 ms")
    func byteRate() {
        let rate = 512.0 * 1024
        var bucket = MQTTTokenBucket(rate: rate, capacity: rate)
        #expect(bucket.take(300 * 1024, now: start) == nil)
        #expect(bucket.take(300 * 1024, now: start) == start + .nanoseconds(171_875_000))
        #expect(bucket.take(300 * 1024, now: start + .nanoseconds(171_875_000)) == nil)
        #expect(bucket.tokens.magnitude < 1e-3)
    }

    @Test("a cost above the capacity waits for a full bucket, then goes into debt")
    func oversizedCost() {
        var bucket = MQTTTokenBucket(rate: 1000, capacity: 1000)
        #expect(bucket.take(1, now: start) == nil)
        #expect(bucket.take(3000, now: start) == start + .milliseconds(1))
        #expect(bucket.take(3000, now: start + .milliseconds(1)) == nil)
        #expect(bucket.tokens == -2000)
        #expect(bucket.take(1, now: start + .milliseconds(1)) == start + .milliseconds(2002))
    }

    @Test("the refill stops at the capacity: a long idle time gives one burst, not more")
    func capped() {
        var bucket = MQTTTokenBucket(rate: 2, capacity: 1)
        #expect(bucket.take(1, now: start) == nil)
        #expect(bucket.take(1, now: start) == start + .milliseconds(500))
        let later = start + .seconds(60)
        #expect(bucket.take(1, now: later) == nil)
        #expect(bucket.take(1, now: later) == later + .milliseconds(500))
    }
}
