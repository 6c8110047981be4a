@testable import MQTT5
import NIOCore
import Testing

/// Unit tests of the pure reconnect machine: no socket, no event loop, a fake clock and a
/// seeded generator.
@Suite("Reconnect state machine")
struct MQTTReconnectStateMachineTests {
    static let refused = MQTTError(code: .transportFailure, message: "connection refused")

    static func refusal(_ code: MQTTConnectReasonCode) -> (MQTTError, MQTTConnAckPacket) {
        let connAck = MQTTConnAckPacket(reasonCode: code)
        return (MQTTError(code: .connectionRefused, message: "refused: \(code)", reasonCode: .connAck(code)), connAck)
    }

    // MARK: Lifecycle

    @Test("start connects at once; a second start does nothing; the transport gets CONNECT")
    func startConnects() {
        var harness = ReconnectHarness()
        #expect(!harness.machine.isRunning)
        #expect(harness.start() == [.attemptingConnect, .connect(1)])
        #expect(harness.machine.state == .connecting(attempt: 1))
        #expect(harness.machine.isRunning)
        #expect(harness.machine.isConnecting(attempt: 1))
        #expect(harness.start().isEmpty)
        #expect(harness.opened() == .sendConnect(clientIdentifier: "c", cleanStart: true))
        #expect(harness.machine.state == .connected(.init(attempt: 1, acceptedAt: nil)))
        #expect(harness.start().isEmpty)
        #expect(harness.accept() == [.connectionSucceeded(clientIdentifier: "c")])
        #expect(harness.machine.state == .connected(.init(attempt: 1, acceptedAt: harness.now)))
    }

    @Test("A failed attempt is reported, then retried after the backoff, which grows and is capped")
    func backoffGrowth() {
        var harness = ReconnectHarness()
        harness.start()
        var delays: [Duration] = []
        for attempt: UInt64 in 1...6 {
            let steps = harness.failAttempt(attempt, Self.refused)
            guard case .scheduleReconnect(attempt, let delay) = steps.first else {
                Issue.record("\(steps)")
                return
            }
            #expect(
                steps == [
                    .scheduleReconnect(after: attempt, delay: delay),
                    .connectionFailure(connAck: nil, .transportFailure),
                ])
            #expect(
                harness.machine.state == .waitingToReconnect(after: attempt, until: harness.now + TimeAmount(delay)))
            #expect(harness.machine.lastError?.code == .transportFailure)
            delays.append(delay)
            #expect(harness.fireReconnect() == [.attemptingConnect, .connect(attempt + 1)])
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
    }

    @Test("The reconnect deadline is the time of the failure plus the delay")
    func deadlineFromNow() {
        var harness = ReconnectHarness()
        harness.start()
        harness.advance(.seconds(5))
        harness.failAttempt()
        #expect(harness.reconnectDeadline == harness.now + .seconds(1))
    }

    @Test(
        "Jittered delays come from the generator: the same seed gives the same schedule",
        arguments: [MQTTReconnectPolicy.Jitter.full, .decorrelated])
    func seededJitter(jitter: MQTTReconnectPolicy.Jitter) {
        func schedule(seed: UInt64) -> [Duration] {
            var harness = ReconnectHarness(seed: seed) { $0.reconnect.jitter = jitter }
            harness.start()
            var delays: [Duration] = []
            for _ in 0..<20 {
                for step in harness.failAttempt() {
                    if case .scheduleReconnect(_, let delay) = step { delays.append(delay) }
                }
                harness.fireReconnect()
            }
            return delays
        }
        let delays = schedule(seed: 42)
        #expect(delays.count == 20)
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(10) })
        #expect(schedule(seed: 42) == delays)
        #expect(schedule(seed: 43) != delays)
    }

    @Test("A connection that lasted resetAfter resets the backoff; a shorter one does not")
    func resetAfterMinimumConnectedTime() {
        var harness = ReconnectHarness()
        harness.start()
        harness.failAttempt()  // 1 s
        harness.fireReconnect()
        harness.failAttempt()  // 2 s
        harness.fireReconnect()
        harness.connect()
        harness.advance(.seconds(29))
        #expect(
            harness.close() == [
                .scheduleReconnect(after: 3, delay: .seconds(4)), .disconnection(disconnect: nil, .connectionClosed),
            ])
        harness.fireReconnect()
        harness.connect()
        harness.advance(.seconds(30))
        #expect(harness.close().first == .scheduleReconnect(after: 4, delay: .seconds(1)))
        #expect(harness.machine.backoff.failures == 1)
    }

    @Test("A connection closed before any CONNACK counts as a failed attempt, not a disconnection")
    func lostWhileConnecting() {
        var harness = ReconnectHarness()
        harness.start()
        harness.opened()
        harness.advance(.seconds(60))  // long, but never accepted: no reset
        let timeout = MQTTError(code: .connAckTimeout, message: "no CONNACK")
        #expect(
            harness.close(timeout) == [
                .scheduleReconnect(after: 1, delay: .seconds(1)), .connectionFailure(connAck: nil, .connAckTimeout),
            ])
        harness.fireReconnect()
        harness.opened()
        #expect(harness.close(timeout).first == .scheduleReconnect(after: 2, delay: .seconds(2)))
    }

    @Test("The broker's DISCONNECT reaches the disconnection event")
    func serverDisconnect() {
        var harness = ReconnectHarness()
        harness.start()
        harness.connect()
        let steps = harness.close(
            MQTTError(code: .serverDisconnected, message: "bye"),
            disconnect: MQTTDisconnectPacket(reasonCode: .serverShuttingDown))
        #expect(steps.last == .disconnection(disconnect: .serverShuttingDown, .serverDisconnected))
    }

    // MARK: Failures that retrying cannot heal

    static let nonHealing: [MQTTConnectReasonCode] = [
        .malformedPacket, .protocolError, .unsupportedProtocolVersion, .clientIdentifierNotValid,
        .badUserNameOrPassword,
        .notAuthorized, .banned, .badAuthenticationMethod, .topicNameInvalid, .packetTooLarge, .payloadFormatInvalid,
        .retainNotSupported, .qosNotSupported, .serverMoved,
    ]

    @Test(
        "A CONNACK refusal that cannot heal is reported, then the client stops with it",
        arguments: MQTTReconnectStateMachineTests.nonHealing)
    func nonHealingStops(code: MQTTConnectReasonCode) {
        var harness = ReconnectHarness()
        harness.start()
        harness.opened()
        let (error, connAck) = Self.refusal(code)
        #expect(
            harness.close(error, connAck: connAck) == [
                .connectionFailure(connAck: code, .connectionRefused), .stopped(.connectionRefused),
            ])
        #expect(harness.machine.state == .stopped)
        #expect(!harness.machine.isRunning)
        #expect(harness.machine.lastError?.reasonCode == .connAck(code))
        #expect(harness.reconnectDeadline == nil)
    }

    @Test(
        "Other CONNACK refusals are retried",
        arguments: MQTTConnectReasonCode.allCases.filter {
            $0.rawValue >= 0x80 && !MQTTReconnectStateMachineTests.nonHealing.contains($0)
        })
    func healingRetries(code: MQTTConnectReasonCode) {
        var harness = ReconnectHarness()
        harness.start()
        harness.opened()
        let (error, connAck) = Self.refusal(code)
        #expect(
            harness.close(error, connAck: connAck) == [
                .scheduleReconnect(after: 1, delay: .seconds(1)), .connectionFailure(connAck: code, .connectionRefused),
            ])
        #expect(harness.machine.isRunning)
    }

    @Test("An invalid configuration (a TLS setup failure) stops at the first attempt")
    func invalidConfigurationStops() {
        var harness = ReconnectHarness()
        harness.start()
        let steps = harness.failAttempt(nil, MQTTError(code: .invalidConfiguration, message: "bad TLS"))
        #expect(steps == [.connectionFailure(connAck: nil, .invalidConfiguration), .stopped(.invalidConfiguration)])
        #expect(harness.machine.state == .stopped)
    }

    @Test("cannotHeal: only invalid configurations and the listed CONNACK codes")
    func cannotHeal() {
        #expect(TestReconnectMachine.cannotHeal(MQTTError(code: .invalidConfiguration, message: "x")))
        #expect(TestReconnectMachine.cannotHeal(Self.refusal(.banned).0))
        #expect(!TestReconnectMachine.cannotHeal(Self.refusal(.serverBusy).0))
        #expect(!TestReconnectMachine.cannotHeal(MQTTError(code: .connectionRefused, message: "no reason code")))
        #expect(
            !TestReconnectMachine.cannotHeal(
                MQTTError(code: .protocolViolation, message: "x", reasonCode: .disconnect(.protocolError))))
        #expect(!TestReconnectMachine.cannotHeal(MQTTError(code: .clientStopped, message: "x")))
    }

    // MARK: Stopping

    @Test("stop while stopped still reports stopped")
    func stopWhenStopped() {
        var harness = ReconnectHarness()
        #expect(harness.stop() == [.stopped(nil)])
        #expect(harness.machine.state == .stopped)
    }

    @Test("stop during the backoff cancels the timer and stops; the timer firing later does nothing")
    func stopDuringBackoff() {
        var harness = ReconnectHarness()
        harness.start()
        harness.failAttempt()
        guard case .waitingToReconnect(let after, _) = harness.machine.state else {
            Issue.record("\(harness.machine.state)")
            return
        }
        #expect(harness.stop() == [.cancelReconnect, .stopped(nil)])
        var actions: [MQTTReconnectAction] = []
        harness.machine.reconnectTimerFired(after: after, into: &actions)
        #expect(actions.isEmpty)
        #expect(harness.machine.state == .stopped)
    }

    @Test(
        "stop while the transport is being opened stops at once; the late transport is closed, a late failure ignored")
    func stopWhileOpening() {
        var harness = ReconnectHarness()
        harness.start()
        #expect(harness.stop() == [.stopped(nil)])
        #expect(!harness.machine.isConnecting(attempt: 1))
        #expect(harness.opened(1) == .close)
        #expect(harness.failAttempt(1).isEmpty)
        // Started again: the new attempt is not confused with the old one.
        #expect(harness.start() == [.attemptingConnect, .connect(2)])
        #expect(harness.opened(1) == .close)
        #expect(harness.failAttempt(1).isEmpty)
        #expect(harness.machine.state == .connecting(attempt: 2))
    }

    @Test("stop while connected disconnects, then stops when the transport closed (no reconnection)")
    func stopWhileConnected() {
        var harness = ReconnectHarness()
        harness.start()
        harness.connect()
        #expect(harness.stop() == [.disconnect])
        #expect(!harness.machine.isRunning)
        guard case .stopping = harness.machine.state else {
            Issue.record("\(harness.machine.state)")
            return
        }
        #expect(harness.stop() == [.disconnect])  // again: the shell sends nothing twice
        #expect(
            harness.close(MQTTError(code: .clientStopped, message: "stopped")) == [
                .disconnection(disconnect: nil, .clientStopped), .stopped(nil),
            ])
        #expect(harness.machine.state == .stopped)
        #expect(harness.machine.lastError?.code == .clientStopped)
    }

    @Test("stop while waiting for the CONNACK: the closed attempt is a failure, then stopped")
    func stopWhileAwaitingConnAck() {
        var harness = ReconnectHarness()
        harness.start()
        harness.opened()
        #expect(harness.stop() == [.disconnect])
        #expect(
            harness.close(MQTTError(code: .clientStopped, message: "stopped")) == [
                .connectionFailure(connAck: nil, .clientStopped), .stopped(nil),
            ])
    }

    @Test("A non-healing failure while stopping still just stops, without an error")
    func stoppingWins() {
        var harness = ReconnectHarness()
        harness.start()
        harness.opened()
        harness.stop()
        let (error, connAck) = Self.refusal(.notAuthorized)
        #expect(harness.close(error, connAck: connAck).last == .stopped(nil))
    }

    @Test("start while a stop is still closing the connection supersedes the stop; the client then reconnects")
    func startSupersedesStop() {
        var harness = ReconnectHarness()
        harness.start()
        harness.failAttempt()
        harness.fireReconnect()
        harness.connect()
        harness.stop()
        #expect(harness.start() == [.succeedStopWaiters])
        #expect(harness.machine.isRunning)
        #expect(harness.machine.backoff.failures == 0)
        #expect(
            harness.close(MQTTError(code: .clientStopped, message: "stopped")) == [
                .scheduleReconnect(after: 2, delay: .seconds(1)), .disconnection(disconnect: nil, .clientStopped),
            ])
    }

    @Test("start after a stop clears the last error and the backoff")
    func startAfterStop() {
        var harness = ReconnectHarness()
        harness.start()
        harness.failAttempt()
        harness.fireReconnect()
        harness.failAttempt()
        harness.stop()
        #expect(harness.machine.lastError != nil)
        #expect(harness.start() == [.attemptingConnect, .connect(3)])
        #expect(harness.machine.lastError == nil)
        #expect(harness.failAttempt().first == .scheduleReconnect(after: 3, delay: .seconds(1)))
    }

    @Test("Events of stale or absent connections are ignored")
    func staleEvents() {
        var harness = ReconnectHarness()
        #expect(harness.accept().isEmpty)
        #expect(harness.close().isEmpty)
        #expect(harness.failAttempt(1).isEmpty)
        harness.start()
        #expect(harness.accept().isEmpty)  // no transport yet
        #expect(harness.close().isEmpty)
        harness.failAttempt()
        #expect(harness.accept().isEmpty)
        #expect(harness.close().isEmpty)
        var actions: [MQTTReconnectAction] = []
        harness.machine.reconnectTimerFired(after: 7, into: &actions)
        #expect(actions.isEmpty)
    }
}
