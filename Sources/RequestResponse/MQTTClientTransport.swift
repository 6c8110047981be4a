public import MQTT5
public import NIOCore
public import Logging

/// The ``RequestResponseTransport`` over an ``MQTT5/MQTTClient`` (MQTT 5 or 3.1.1).
///
/// Uses the client's event-loop hot path: no task hops, futures complete on the client's event
/// loop, and connection events and publishes reach the request-response layer there, before
/// the client's public `AsyncSequence`s. Created for you by
/// ``RequestResponseClient/init(_:options:logger:)`` and ``RequestResponder/init(_:logger:)``.
public final class MQTTClientTransport: RequestResponseTransport {
    /// The MQTT client carrying the requests.
    public let client: MQTTClient

    private let listeners: NIOLoopBoundBox<[RequestResponseTransportListenerID: [MQTTListenerID]]>
    private let nextListener: NIOLoopBoundBox<Int>

    /// Wraps `client`; it may be started before or after.
    ///
    /// - Parameter client: The MQTT client.
    public init(_ client: MQTTClient) {
        self.client = client
        self.listeners = .makeBoxSendingValue([:], eventLoop: client.eventLoop)
        self.nextListener = .makeBoxSendingValue(0, eventLoop: client.eventLoop)
    }

    public var eventLoop: any EventLoop { client.eventLoop }

    public var isConnected: Bool { client.isConnectedOnEventLoop }

    public var supportsProperties: Bool {
        (client.negotiatedSettings?.protocolVersion ?? client.configuration.protocolVersion) == .v5_0
    }

    public func subscribe(topicFilter: String) -> EventLoopFuture<MQTTSubAckReasonCode> {
        let subscription = MQTTSubscription(topicFilter: topicFilter, qos: .atLeastOnce)
        return client.subscribe([subscription], properties: MQTTProperties()).map { subAck in
            subAck.reasonCodes.first ?? .unspecifiedError
        }
    }

    public func unsubscribe(topicFilter: String) -> EventLoopFuture<MQTTUnsubAckReasonCode> {
        client.unsubscribe([topicFilter], properties: MQTTProperties()).map { unsubAck in
            unsubAck.reasonCodes.first ?? .success
        }
    }

    public func publish(
        topic: String, payload: ByteBuffer, properties: MQTTProperties
    ) -> EventLoopFuture<MQTTPubAckReasonCode> {
        let packet = MQTTPublishPacket(topic: topic, payload: payload, qos: .atLeastOnce, properties: properties)
        return client.publish(packet).map { result in
            result.pubAck?.reasonCode ?? .success
        }
    }

    public func publish(
        topic: String, payload: ByteBuffer, properties: MQTTProperties,
        completion: @escaping @Sendable (Result<MQTTPubAckReasonCode, any Error>) -> Void
    ) {
        let packet = MQTTPublishPacket(topic: topic, payload: payload, qos: .atLeastOnce, properties: properties)
        client.publish(packet) { result in
            switch result {
            case .success(let result): completion(.success(result.pubAck?.reasonCode ?? .success))
            case .failure(let error): completion(.failure(error))
            }
        }
    }

    public func addListener(
        _ listener: @escaping @Sendable (RequestResponseTransportEvent) -> Void
    ) -> RequestResponseTransportListenerID {
        let eventID = client.addEventListener { event in
            switch event {
            case .connectionSuccess(let connAck, _):
                listener(.connected(sessionPresent: connAck.sessionPresent))
            case .disconnection, .stopped:
                listener(.disconnected)
            case .attemptingConnect, .connectionFailure:
                break
            }
        }
        let publishID = client.addPublishListener { publish in
            listener(
                .publish(
                    RequestResponsePublish(
                        topic: publish.topic, payload: publish.payload, properties: publish.properties)))
        }
        nextListener.value += 1
        let id = RequestResponseTransportListenerID(rawValue: nextListener.value)
        listeners.value[id] = [eventID, publishID]
        return id
    }

    public func deferAcknowledgement() -> (@Sendable () -> Void)? {
        guard let acknowledgement = client.deferAcknowledgement() else { return nil }
        return { acknowledgement.acknowledge() }
    }

    public func removeListener(_ id: RequestResponseTransportListenerID) {
        for clientID in listeners.value.removeValue(forKey: id) ?? [] {
            client.removeListener(clientID)
        }
    }
}

extension RequestResponseClient {
    /// Creates a request-response client over an MQTT client.
    ///
    /// - Parameters:
    ///   - client: The MQTT client (MQTT 5 or 3.1.1), started before or after.
    ///   - options: Budgets and timeouts; validated.
    ///   - logger: Where to log; by default the task-local `Logger.current`, so the caller's
    ///     metadata travels with every line.
    /// - Throws: ``RequestResponseError`` with code `invalidArgument` when an option is invalid.
    public convenience init(
        _ client: MQTTClient, options: Options, logger: Logger = .current
    ) throws(RequestResponseError) {
        try self.init(transport: MQTTClientTransport(client), options: options, logger: logger)
    }
}

extension RequestResponder {
    /// Creates a responder over an MQTT client.
    ///
    /// - Parameters:
    ///   - client: The MQTT client (MQTT 5 or 3.1.1), started before or after.
    ///   - logger: Where to log; by default the task-local `Logger.current`, so the caller's
    ///     metadata travels with every line.
    ///   - options: Concurrency, shutdown, shared subscription and deduplication settings.
    public convenience init(_ client: MQTTClient, options: Options = Options(), logger: Logger = .current) {
        self.init(transport: MQTTClientTransport(client), options: options, logger: logger)
    }
}
