@testable import MQTT5
import NIOCore
import Testing

@Suite("Connection state machine: flow control, draining rate, subscription limit (fake clock)")
struct MQTTConnectionStateMachineFlowControlTests {
    /// Runs the machine's timer at each of its deadlines until `end`, returning when each
    /// PUBLISH left (relative to `start`).
    static func publishTimes(
        _ harness: inout StateMachineHarness, from start: NIODeadline, until end: NIODeadline,
        initial: [TestAction]
    ) -> [TimeAmount] {
        var times = Array(repeating: harness.now - start, count: initial.sentPublishes.count)
        while let deadline = harness.machine.nextDeadline, deadline <= end {
            let actions = harness.advance(by: deadline - harness.now)
            times += Array(repeating: harness.now - start, count: actions.sentPublishes.count)
        }
        return times
    }

    @Test("AWS IoT Core limits: 150 QoS 0 publishes leave 100 at once, then one every 10 ms; the last at 500 ms")
    func publishRate() {
        var harness = StateMachineHarness { $0.flowControl = .awsIoTCore }
        harness.connect()
        let start = harness.now
        var initial: [TestAction] = []
        for index in 0..<150 { initial += harness.publish("t/\(index)", qos: .atMostOnce, token: index) }
        #expect(initial.sentPublishes.count == 100)
        #expect(initial.publishResults.count == 100)
        #expect(harness.machine.nextDeadline == start + .milliseconds(10))
        let times = Self.publishTimes(&harness, from: start, until: start + .seconds(2), initial: initial)
        #expect(times.count == 150)
        #expect(times[99] == .zero)
        for index in 100..<150 { #expect(times[index] == .milliseconds(Int64(index - 99) * 10)) }
        #expect(harness.machine.queue.isEmpty)
    }

    @Test("the byte rate delays a publish until the budget covers it; order is kept")
    func byteRate() {
        var harness = StateMachineHarness { $0.flowControl = MQTTFlowControl(bytesPerSecond: 10_000) }
        harness.connect()
        let start = harness.now
        let payload = String(repeating: "x", count: 4_000)
        var initial: [TestAction] = []
        for index in 0..<4 { initial += harness.publish("t", qos: .atMostOnce, token: index, payload: payload) }
        #expect(initial.sentPublishes.count == 2)  // 2 × ~4 KB of 10 KB
        let size = harness.machine.queue.first?.size ?? 0
        #expect(size > 4_000)
        let times = Self.publishTimes(&harness, from: start, until: start + .seconds(3), initial: initial)
        #expect(times.count == 4)
        // The third waits for 3 × size − 10,000 bytes at 10 bytes per ms.
        let third = TimeAmount.nanoseconds(Int64(((Double(3 * size) - 10_000) / 10_000 * 1e9).rounded(.up)))
        #expect(times[2] == third)
        #expect(times[3] == third + .nanoseconds(Int64((Double(size) / 10_000 * 1e9).rounded(.up))))
    }

    @Test(
        "draining rate: after a reconnection the queue leaves at 2 per second, the first at once; new operations queue behind"
    )
    func drainingRate() {
        var harness = StateMachineHarness { $0.offlineQueue.drainingRate = 2 }
        for index in 0..<4 { harness.publish("q/\(index)", qos: .atLeastOnce, token: index) }
        #expect(harness.machine.queue.count == 4)
        let start = harness.now
        let initial = harness.connect()
        #expect(initial.sentPublishes.map(\.topic) == ["q/0"])
        harness.advance(by: .milliseconds(100))
        let late = harness.publish("q/4", qos: .atLeastOnce, token: 4)
        #expect(late.sentPublishes.isEmpty)  // behind the backlog
        var times = Self.publishTimes(&harness, from: start, until: start + .seconds(5), initial: initial)
        times.removeFirst()
        #expect(times == [.milliseconds(500), .milliseconds(1000), .milliseconds(1500), .milliseconds(2000)])
        // Drained: the next publish leaves at once.
        #expect(harness.publish("q/5", qos: .atLeastOnce, token: 5).sentPublishes.count == 1)
    }

    @Test("without a draining rate the queue leaves at once")
    func noDrainingRate() {
        var harness = StateMachineHarness()
        for index in 0..<4 { harness.publish("q/\(index)", qos: .atLeastOnce, token: index) }
        #expect(harness.connect().sentPublishes.count == 4)
    }

    @Test("subscription limit: a SUBSCRIBE beyond it is held, later operations pass, an UNSUBACK releases it")
    func subscriptionLimit() throws {
        var harness = StateMachineHarness { $0.flowControl = MQTTFlowControl(maximumSubscriptions: 2) }
        harness.connect()
        let first = harness.subscribe(["a", "b"], token: 1).sent
        guard case .subscribe(let subscribe) = first.first else {
            Issue.record("no SUBSCRIBE")
            return
        }
        harness.receive(
            .subAck(
                MQTTSubAckPacket(
                    packetIdentifier: subscribe.packetIdentifier, reasonCodes: [.grantedQoS0, .grantedQoS0])))
        #expect(harness.subscribe(["c"], token: 2).sent.isEmpty)  // held
        #expect(harness.subscribe(["a"], token: 3).sent.count == 1)  // already subscribed: no new filter
        #expect(harness.publish("x", qos: .atMostOnce, token: 4).sentPublishes.count == 1)  // passes the held one
        let tooMany = harness.subscribe(["d", "e", "f"], token: 5)
        #expect(tooMany.failures.first?.1.code == .invalidArgument)
        let unsubscribe = harness.submit(
            .unsubscribe(MQTTUnsubscribePacket(packetIdentifier: 1, topicFilters: ["b"])), token: 6)
        guard case .unsubscribe(let packet) = unsubscribe.sent.first else {
            Issue.record("the UNSUBSCRIBE did not pass the held SUBSCRIBE")
            return
        }
        #expect(harness.machine.queue.count == 1)
        let released = harness.receive(
            .unsubAck(MQTTUnsubAckPacket(packetIdentifier: packet.packetIdentifier, reasonCodes: [.success])))
        guard case .subscribe(let held) = released.sent.first else {
            Issue.record("the held SUBSCRIBE was not sent")
            return
        }
        #expect(held.subscriptions.map(\.topicFilter) == ["c"])
        #expect(harness.machine.queue.isEmpty)
    }

    @Test("a session the broker did not resume has no subscriptions: the count starts from zero")
    func subscriptionLimitResetsWithSession() {
        var harness = StateMachineHarness { $0.flowControl = MQTTFlowControl(maximumSubscriptions: 1) }
        harness.connect()
        guard case .subscribe(let subscribe) = harness.subscribe(["a"], token: 1).sent.first else {
            Issue.record("no SUBSCRIBE")
            return
        }
        harness.receive(
            .subAck(MQTTSubAckPacket(packetIdentifier: subscribe.packetIdentifier, reasonCodes: [.grantedQoS0])))
        #expect(harness.subscribe(["b"], token: 2).sent.isEmpty)
        var ignored: [TestAction] = []
        harness.machine.disconnect(
            MQTTDisconnectPacket(), error: MQTTError(code: .connectionClosed, message: "gone"), now: harness.now,
            into: &ignored)
        _ = harness.closed()
        // The held SUBSCRIBE survives (failQoS0Publish keeps subscribes) and goes out on the clean session.
        #expect(harness.connect().sent.contains { $0.packetType == .subscribe })
    }
}
