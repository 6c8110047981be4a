@testable import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Testing

/// Swallows `close`, like a transport whose closure never completes (a TLS peer that never
/// answers close_notify).
private final class CloseSwallower: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = Any

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {}
}

@Suite("Bounded waits, bounded stop and reconnection off", .timeLimit(.minutes(1)))
struct MQTTClientWaitingTests {
    static func configuration(_ broker: MQTTTestBroker, _ clientID: String) throws -> MQTTClient.Configuration {
        try .test(url: broker.endpoint, clientIdentifier: clientID)
    }

    @Test(
        "waitForDisconnection: at once when not connected, timedOut while connected, returns once the broker drops the connection"
    )
    func waitForDisconnection() async throws {
        try await withMQTTTestBroker { broker in
            var configuration = try Self.configuration(broker, "wait-disconnect")
            // Slow to reconnect, so the wait below cannot miss the disconnection however late it starts.
            configuration.reconnect = MQTTReconnectPolicy(minimumDelay: .seconds(30), jitter: .none)
            let client = MQTTClient(configuration: configuration)
            try await client.waitForDisconnection(timeout: .milliseconds(10))
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: MQTTError.self) {
                try await client.waitForDisconnection(timeout: .milliseconds(200))
            }
            #expect(error?.code == .timedOut)
            #expect(error?.message.contains("not disconnected within 200 ms") == true)
            #expect(clock.now - start >= .milliseconds(200))
            async let disconnected: Void = client.waitForDisconnection(timeout: .seconds(10))
            try await broker.waitUntil { broker.connectedClientIDs.contains("wait-disconnect") }
            #expect(await broker.dropConnection(clientID: "wait-disconnect"))
            try await disconnected
            #expect(!client.isConnected)
            await client.stop()
        }
    }

    @Test("waitForStop: timedOut while running, returns after stop() and at once when stopped; cancellation ends it")
    func waitForStop() async throws {
        try await withMQTTTestBroker { broker in
            let client = MQTTClient(configuration: try Self.configuration(broker, "wait-stop"))
            try await client.waitForStop(timeout: .milliseconds(10))  // never started
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            let error = await #expect(throws: MQTTError.self) {
                try await client.waitForStop(timeout: .milliseconds(100))
            }
            #expect(error?.code == .timedOut)
            let waiting = Task { try await client.waitForStop(timeout: .seconds(30)) }
            waiting.cancel()
            let cancelled = await #expect(throws: MQTTError.self) { try await waiting.value }
            #expect(cancelled?.code == .cancelled)
            async let stopped: Void = client.waitForStop(timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(20))
            await client.stop()
            try await stopped
            try await client.waitForStop(timeout: .milliseconds(10))
        }
    }

    @Test("stop(disconnect:timeout:) returns without error when the connection closes in time")
    func boundedStopGraceful() async throws {
        try await withMQTTTestBroker { broker in
            let client = MQTTClient(configuration: try Self.configuration(broker, "stop-graceful"))
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            try await client.stop(timeout: .seconds(5))
            try await client.waitForStop(timeout: .milliseconds(10))
            try await broker.waitForDisconnection(clientID: "stop-graceful")
            let disconnects = broker.receivedPackets(clientID: "stop-graceful").filter { $0.packetType == .disconnect }
            #expect(disconnects.count == 1)
        }
    }

    @Test(
        "stop(disconnect:timeout:) abandons a connection whose closure never completes: timedOut, and the client is stopped"
    )
    func boundedStopAbandons() async throws {
        var brokerConfiguration = MQTTTestBroker.Configuration()
        // A peer that does not close on DISCONNECT, and a local closure that never completes.
        brokerConfiguration.faults.inboundInterceptor = { _, packet in
            packet.packetType == .disconnect ? .ignore : .process
        }
        try await withMQTTTestBroker(configuration: brokerConfiguration) { broker in
            let client = MQTTClient(configuration: try Self.configuration(broker, "stop-stuck"))
            let events = EventRecorder(client)
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            try await client.eventLoop.submit {
                guard let channel = client.core.connection?.channel else { throw TestTimeout("no channel") }
                try channel.pipeline.syncOperations.addHandler(CloseSwallower(), position: .first)
            }.get()
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: MQTTError.self) { try await client.stop(timeout: .milliseconds(300)) }
            #expect(error?.code == .timedOut)
            #expect(clock.now - start >= .milliseconds(300))
            #expect(!client.isConnected)
            try await client.waitForStop(timeout: .milliseconds(10))
            #expect(try await events.stopped() == nil)
            // The DISCONNECT went out before the closure got stuck.
            try await broker.waitForPacket(from: "stop-stuck") { $0.packetType == .disconnect }
        }
    }

    @Test(
        "MQTTReconnectPolicy.disabled: the first disconnection stops the client, with the error, and it does not reconnect"
    )
    func reconnectDisabled() async throws {
        try await withMQTTTestBroker { broker in
            var configuration = try Self.configuration(broker, "no-reconnect")
            configuration.reconnect = .disabled
            let client = MQTTClient(configuration: configuration)
            let events = EventRecorder(client)
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            try await broker.waitUntil { broker.connectedClientIDs.contains("no-reconnect") }
            #expect(await broker.dropConnection(clientID: "no-reconnect"))
            try await client.waitForStop(timeout: .seconds(10))
            let stoppedError = try await events.stopped()
            #expect(stoppedError?.code == .connectionClosed)
            try await Task.sleep(for: .milliseconds(300))  // ≥ 6 × the test policy's 50 ms delay
            let connects = broker.receivedPackets(clientID: "no-reconnect").filter { $0.packetType == .connect }
            #expect(connects.count == 1)
            let waitError = await #expect(throws: MQTTError.self) {
                try await client.waitForConnection(timeout: .seconds(1))
            }
            #expect(waitError?.code == .clientStopped)
            // start() connects again.
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            await client.stop()
        }
    }

    @Test("MQTTReconnectPolicy.disabled: a failed first attempt stops the client and fails waitForConnection")
    func reconnectDisabledFirstAttempt() async throws {
        var configuration = try MQTTClient.Configuration.test(url: "mqtt://127.0.0.1:1", clientIdentifier: "nobody")
        configuration.reconnect = .disabled
        let client = MQTTClient(configuration: configuration)
        client.start()
        let error = await #expect(throws: MQTTError.self) { try await client.waitForConnection(timeout: .seconds(10)) }
        #expect(error?.code == .clientStopped)
        #expect((error?.cause as? MQTTError)?.code == .transportFailure)
        try await client.waitForStop(timeout: .seconds(5))
    }
}
