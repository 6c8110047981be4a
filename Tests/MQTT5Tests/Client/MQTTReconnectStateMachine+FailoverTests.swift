@testable import MQTT5
import NIOCore
import Testing

/// The endpoint rotation of the reconnect machine: pure, with a fake clock and a seeded generator.
@Suite("Reconnect state machine: endpoint failover")
struct MQTTReconnectStateMachineFailoverTests {
    static let refused = MQTTError(code: .transportFailure, message: "connection refused")

    /// Fails the current attempt; returns the delay scheduled and fires it.
    static func failAndFire(_ harness: inout ReconnectHarness) -> Duration? {
        let steps = harness.failAttempt(harness.attempt, refused)
        guard case .scheduleReconnect(_, let delay) = steps.first else { return nil }
        harness.fireReconnect()
        return delay
    }

    @Test("Failures move through the endpoints at once; the backoff is applied once per full rotation")
    func backoffPerRotation() {
        var harness = ReconnectHarness { $0.endpointCount = 3 }
        harness.start()
        var visited: [Int] = [harness.machine.currentEndpoint]
        var delays: [Duration] = []
        for _ in 0..<9 {
            guard let delay = Self.failAndFire(&harness) else {
                Issue.record("no reconnect scheduled")
                return
            }
            delays.append(delay)
            visited.append(harness.machine.currentEndpoint)
        }
        #expect(visited == [0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
        // 1 s, 2 s, 4 s: the fixed policy's doubling, once per rotation of three attempts.
        #expect(delays == [.zero, .zero, .seconds(1), .zero, .zero, .seconds(2), .zero, .zero, .seconds(4)])
    }

    @Test("A dropped connection fails over to the next endpoint at once, then completes the rotation")
    func connectionLossFailsOver() {
        var harness = ReconnectHarness { $0.endpointCount = 3 }
        harness.start()
        #expect(Self.failAndFire(&harness) == .zero)
        #expect(harness.machine.currentEndpoint == 1)
        harness.connect()
        harness.advance(.seconds(60))  // long enough to reset the backoff
        let steps = harness.close()
        #expect(steps.first == .scheduleReconnect(after: harness.attempt, delay: .zero))
        harness.fireReconnect()
        #expect(harness.machine.currentEndpoint == 2)
        #expect(Self.failAndFire(&harness) == .zero)
        #expect(harness.machine.currentEndpoint == 0)
        // Endpoints 1 (the dropped one), 2 and 0 have been tried: the backoff comes now.
        #expect(Self.failAndFire(&harness) == .seconds(1))
        #expect(harness.machine.currentEndpoint == 0)
    }

    @Test("One endpoint keeps the plain backoff between attempts")
    func singleEndpoint() {
        var harness = ReconnectHarness()
        harness.start()
        #expect(Self.failAndFire(&harness) == .seconds(1))
        #expect(Self.failAndFire(&harness) == .seconds(2))
        #expect(harness.machine.currentEndpoint == 0)
        harness.connect()
        #expect(harness.close().first == .scheduleReconnect(after: harness.attempt, delay: .seconds(4)))
    }

    @Test("Shuffled order visits every endpoint once per rotation, in orders that differ")
    func shuffled() {
        var harness = ReconnectHarness(seed: 7) {
            $0.endpointCount = 5
            $0.endpointOrder = .shuffled
        }
        harness.start()
        var rotations: [[Int]] = []
        for _ in 0..<6 {
            var rotation = [harness.machine.currentEndpoint]
            for _ in 0..<4 {
                #expect(Self.failAndFire(&harness) == .zero)
                rotation.append(harness.machine.currentEndpoint)
            }
            #expect(Self.failAndFire(&harness) != .zero)
            rotations.append(rotation)
        }
        for rotation in rotations { #expect(rotation.sorted() == [0, 1, 2, 3, 4]) }
        #expect(Set(rotations).count > 1, "\(rotations)")
    }

    @Test("A failure that retrying cannot heal stops the client even with endpoints left")
    func cannotHealStops() {
        var harness = ReconnectHarness { $0.endpointCount = 2 }
        harness.start()
        let steps = harness.failAttempt(
            harness.attempt, MQTTError(code: .proxyNotAuthorized, message: "HTTP 407"))
        #expect(steps == [.connectionFailure(connAck: nil, .proxyNotAuthorized), .stopped(.proxyNotAuthorized)])
    }

    @Test("The configuration's endpoints list is endpoint followed by the failover endpoints")
    func configurationEndpoints() throws {
        var configuration = try MQTTClient.Configuration(url: "mqtt://a:1")
        #expect(configuration.endpoints.map(\.host) == ["a"])
        configuration.endpoints = [try MQTTEndpoint(url: "mqtt://b:2"), try MQTTEndpoint(url: "mqtts://c:3")]
        #expect(configuration.endpoint.host == "b")
        #expect(configuration.failoverEndpoints.map(\.host) == ["c"])
        let machine = MQTTReconnectStateMachine<SplitMix64>.Configuration(configuration)
        #expect(machine.endpointCount == 2)
    }
}
