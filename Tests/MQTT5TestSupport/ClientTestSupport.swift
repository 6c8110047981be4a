public import MQTT5
public import NIOCore

/// Records a client's lifecycle events for bounded waits.
public final class EventRecorder: Sendable {
    public let events = TestQueue<MQTTClientEvent>()
    private let task: Task<Void, Never>

    public init(_ client: MQTTClient) {
        let stream = client.events()
        let events = self.events
        task = Task {
            for await event in stream { events.push(event) }
        }
    }

    deinit { task.cancel() }

    /// Waits for the next event satisfying `predicate`, skipping others.
    @discardableResult
    public func next(
        timeout: Duration = .seconds(10), where predicate: (MQTTClientEvent) -> Bool
    ) async throws -> MQTTClientEvent {
        try await events.first(timeout: timeout, "client event", where: predicate)
    }

    @discardableResult
    public func connectionSuccess(
        timeout: Duration = .seconds(10)
    ) async throws -> (MQTTConnAckPacket, MQTTNegotiatedSettings) {
        let event = try await next(timeout: timeout) { if case .connectionSuccess = $0 { true } else { false } }
        guard case .connectionSuccess(let connAck, let settings) = event else { fatalError() }
        return (connAck, settings)
    }

    @discardableResult
    public func disconnection(timeout: Duration = .seconds(10)) async throws -> (MQTTDisconnectPacket?, MQTTError) {
        let event = try await next(timeout: timeout) { if case .disconnection = $0 { true } else { false } }
        guard case .disconnection(let packet, let error) = event else { fatalError() }
        return (packet, error)
    }

    @discardableResult
    public func connectionFailure(timeout: Duration = .seconds(10)) async throws -> (MQTTConnAckPacket?, MQTTError) {
        let event = try await next(timeout: timeout) { if case .connectionFailure = $0 { true } else { false } }
        guard case .connectionFailure(let connAck, let error) = event else { fatalError() }
        return (connAck, error)
    }

    @discardableResult
    public func stopped(timeout: Duration = .seconds(10)) async throws -> MQTTError? {
        let event = try await next(timeout: timeout) { if case .stopped = $0 { true } else { false } }
        guard case .stopped(let error) = event else { fatalError() }
        return error
    }
}

/// Collects the incoming publishes of a client.
public final class PublishRecorder: Sendable {
    public let publishes = TestQueue<MQTTPublishPacket>()
    private let task: Task<Void, Never>

    public init(_ client: MQTTClient, matching filter: String? = nil) {
        let stream: AsyncStream<MQTTPublishPacket>
        if let filter {
            do {
                stream = try client.publishes(matching: filter)
            } catch {
                preconditionFailure("PublishRecorder needs a valid topic filter: \(error)")
            }
        } else {
            stream = client.publishes()
        }
        let publishes = self.publishes
        task = Task {
            for await publish in stream { publishes.push(publish) }
        }
    }

    deinit { task.cancel() }

    public func next(timeout: Duration = .seconds(10)) async throws -> MQTTPublishPacket {
        try await publishes.next(timeout: timeout, "incoming publish")
    }
}

extension MQTTClient.Configuration {
    /// A configuration for tests: short timeouts, fast reconnection.
    public static func test(
        url: String, clientIdentifier: String = "test-client", version: MQTTProtocolVersion = .v5_0
    ) throws -> MQTTClient.Configuration {
        var configuration = try MQTTClient.Configuration(url: url, clientIdentifier: clientIdentifier)
        configuration.protocolVersion = version
        configuration.connectTimeout = .seconds(2)
        configuration.connAckTimeout = .seconds(2)
        configuration.ackTimeout = .seconds(5)
        configuration.reconnect = MQTTReconnectPolicy(
            minimumDelay: .milliseconds(50), maximumDelay: .milliseconds(200), jitter: .none)
        return configuration
    }
}

extension ByteBuffer {
    /// The readable bytes as a string.
    public var text: String { String(buffer: self) }
}
