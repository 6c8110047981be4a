import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Synchronization

/// An embedded broker, a responder's MQTT client and a caller's, for the service runtime tests.
struct ServiceTestBed: Sendable {
    let broker: MQTTTestBroker
    let service: MQTTClient
    let caller: MQTTClient
    let rr: RequestResponseClient

    static func withBed<Result: Sendable>(
        callerOptions: (inout RequestResponseClient.Options) -> Void = { _ in },
        _ body: (ServiceTestBed) async throws -> Result
    ) async throws -> Result {
        try await withMQTTTestBroker { broker in
            let service = MQTTClient(configuration: try .init(url: broker.endpoint, clientIdentifier: "service"))
            let caller = MQTTClient(configuration: try .init(url: broker.endpoint, clientIdentifier: "caller"))
            service.start()
            caller.start()
            var options = RequestResponseClient.Options(
                maxRequestResponseSubscriptions: 4, maxStreamingSubscriptions: 1, operationTimeout: .seconds(5))
            callerOptions(&options)
            let rr = try RequestResponseClient(caller, options: options)
            let bed = ServiceTestBed(broker: broker, service: service, caller: caller, rr: rr)
            do {
                try await service.waitForConnection(timeout: .seconds(5))
                try await caller.waitForConnection(timeout: .seconds(5))
                let result = try await body(bed)
                await bed.close()
                return result
            } catch {
                await bed.close()
                throw error
            }
        }
    }

    func close() async {
        await rr.close()
        await caller.stop()
        await service.stop()
    }

    /// Publishes a correlation-data request by hand (so a test controls expiry and correlation)
    /// and returns the stream of what comes back on `responseTopic`.
    func publishRequest(
        topic: String, payload: String, responseTopic: String, correlation: String, expiry: UInt32? = nil
    ) async throws {
        var properties = MQTTProperties()
        properties.responseTopic = responseTopic
        properties.correlationData = ByteBuffer(string: correlation)
        properties.messageExpiryInterval = expiry
        _ = try await caller.publish(
            MQTTPublishPacket(
                topic: topic, payload: ByteBuffer(string: payload), qos: .atLeastOnce, properties: properties))
    }
}

/// Counts handlers running at once.
final class ConcurrencyProbe: Sendable {
    private struct State {
        var running = 0
        var maximum = 0
        var started = 0
        var finished = 0
        var cancelled = 0
    }

    private let state = Mutex(State())

    func enter() {
        state.withLock {
            $0.running += 1
            $0.started += 1
            $0.maximum = max($0.maximum, $0.running)
        }
    }

    func leave(cancelled: Bool = false) {
        state.withLock {
            $0.running -= 1
            $0.finished += 1
            if cancelled { $0.cancelled += 1 }
        }
    }

    var maximum: Int { state.withLock { $0.maximum } }
    var started: Int { state.withLock { $0.started } }
    var finished: Int { state.withLock { $0.finished } }
    var cancelled: Int { state.withLock { $0.cancelled } }
}

/// Polls `condition` every 10 ms for at most `timeout`.
func eventually(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}
