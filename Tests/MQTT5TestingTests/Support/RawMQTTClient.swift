import MQTT5
import MQTT5Testing
import NIOCore
import NIOPosix
import Testing

/// Why a ``RawMQTTClient`` wait failed.
struct RawMQTTClientError: Error, CustomStringConvertible {
    var description: String
}

/// A deliberately dumb MQTT client for broker tests, built on the codec: it sends exactly the
/// packets it is given (no state machine, no automatic acks) and queues what it receives, so a
/// test sees every packet the broker sends. Every wait is bounded.
final class RawMQTTClient: Sendable {
    let channel: any Channel
    private let settings: MQTTCodecSettings
    private let inbox: Inbox

    private init(channel: any Channel, settings: MQTTCodecSettings, inbox: Inbox) {
        self.channel = channel
        self.settings = settings
        self.inbox = inbox
    }

    /// Opens a TCP connection to `broker` (no CONNECT yet).
    static func open(to broker: MQTTTestBroker, version: MQTTProtocolVersion = .v5_0) async throws -> RawMQTTClient {
        let settings = MQTTCodecSettings(version: version)
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(ByteToMessageHandler(MQTTPacketDecoder(settings: settings)))
                    try operations.addHandler(MessageToByteHandler(MQTTPacketEncoder(settings: settings)))
                    try operations.addHandler(InboxHandler(inbox: inbox))
                }
            }
            .connect(host: broker.host, port: broker.port)
            .get()
        return RawMQTTClient(channel: channel, settings: settings, inbox: inbox)
    }

    /// Opens a connection and completes the CONNECT/CONNACK handshake, which must succeed.
    static func connect(
        to broker: MQTTTestBroker,
        _ connect: MQTTConnectPacket,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (RawMQTTClient, MQTTConnAckPacket) {
        let client = try await open(to: broker, version: connect.protocolVersion)
        let connAck = try await client.handshake(connect)
        guard connAck.reasonCode == .success else {
            await client.close()
            throw RawMQTTClientError(description: "CONNACK \(connAck.reasonCode) at \(sourceLocation)")
        }
        return (client, connAck)
    }

    /// Connects an MQTT 5 client with `clientID`, clean start and no keep-alive.
    static func connect(
        to broker: MQTTTestBroker, clientID: String, version: MQTTProtocolVersion = .v5_0
    ) async throws -> RawMQTTClient {
        try await connect(
            to: broker, MQTTConnectPacket(protocolVersion: version, keepAlive: 0, clientIdentifier: clientID)
        ).0
    }

    // MARK: Sending

    func send(_ packet: MQTTPacket) async throws {
        if case .connect(let connect) = packet { settings.version = connect.protocolVersion }
        try await channel.writeAndFlush(packet)
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        // Written at the head of the pipeline, below the encoder.
        let channel = self.channel
        try await channel.eventLoop.flatSubmit {
            do {
                let context = try channel.pipeline.syncOperations.context(
                    handlerType: ByteToMessageHandler<MQTTPacketDecoder>.self)
                return context.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    func handshake(_ connect: MQTTConnectPacket) async throws -> MQTTConnAckPacket {
        try await send(.connect(connect))
        let packet = try await receive()
        guard case .connAck(let connAck) = packet else {
            throw RawMQTTClientError(description: "expected CONNACK, got \(packet)")
        }
        return connAck
    }

    func subscribe(
        _ subscriptions: [MQTTSubscription],
        packetIdentifier: UInt16 = 1,
        properties: MQTTProperties = MQTTProperties()
    ) async throws -> MQTTSubAckPacket {
        try await send(
            .subscribe(
                MQTTSubscribePacket(
                    packetIdentifier: packetIdentifier, subscriptions: subscriptions, properties: properties)))
        let packet = try await receive()
        guard case .subAck(let subAck) = packet else {
            throw RawMQTTClientError(description: "expected SUBACK, got \(packet)")
        }
        return subAck
    }

    func subscribe(
        _ filter: String, qos: MQTTQoS = .atLeastOnce, packetIdentifier: UInt16 = 1
    ) async throws -> MQTTSubAckPacket {
        try await subscribe([MQTTSubscription(topicFilter: filter, qos: qos)], packetIdentifier: packetIdentifier)
    }

    func publish(
        _ topic: String,
        _ payload: String,
        qos: MQTTQoS = .atMostOnce,
        retain: Bool = false,
        packetIdentifier: UInt16? = nil,
        properties: MQTTProperties = MQTTProperties()
    ) async throws {
        let id = qos == .atMostOnce ? nil : (packetIdentifier ?? 1)
        let packet = MQTTPublishPacket(
            topic: topic,
            payload: ByteBuffer(string: payload),
            qos: qos,
            retain: retain,
            packetIdentifier: id,
            properties: properties
        )
        try await send(.publish(packet))
    }

    func disconnect(_ reasonCode: MQTTDisconnectReasonCode = .normalDisconnection) async throws {
        try await send(.disconnect(MQTTDisconnectPacket(reasonCode: reasonCode)))
        _ = try await waitForClose()
    }

    func close() async {
        try? await channel.close()
    }

    // MARK: Receiving

    /// The next packet, within `timeout`.
    func receive(timeout: Duration = .seconds(5)) async throws -> MQTTPacket {
        switch await inbox.next(timeout: timeout) {
        case .packet(let packet): return packet
        case .closed: throw RawMQTTClientError(description: "connection closed while waiting for a packet")
        case .error(let error): throw RawMQTTClientError(description: "decoding failed: \(error)")
        case nil: throw RawMQTTClientError(description: "no packet within \(timeout)")
        }
    }

    /// The next packet, which must be a PUBLISH.
    func receivePublish(timeout: Duration = .seconds(5)) async throws -> MQTTPublishPacket {
        let packet = try await receive(timeout: timeout)
        guard case .publish(let publish) = packet else {
            throw RawMQTTClientError(description: "expected PUBLISH, got \(packet)")
        }
        return publish
    }

    /// Succeeds if no packet arrives within `duration` (and the connection stays open).
    func expectNoPacket(within duration: Duration = .milliseconds(200)) async throws {
        if let item = await inbox.next(timeout: duration) {
            throw RawMQTTClientError(description: "expected silence, got \(item)")
        }
    }

    /// Waits until the broker closes the connection and returns the packets received before.
    func waitForClose(timeout: Duration = .seconds(10)) async throws -> [MQTTPacket] {
        let deadline = ContinuousClock.now + timeout
        var packets: [MQTTPacket] = []
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero, let item = await inbox.next(timeout: remaining) else {
                throw RawMQTTClientError(description: "connection still open after \(timeout); received \(packets)")
            }
            switch item {
            case .packet(let packet): packets.append(packet)
            case .closed: return packets
            case .error: continue
            }
        }
    }
}
