import Logging
import MQTT5
import NIOCore

/// All routing and session state of an ``MQTTTestBroker``, owned by its one event loop.
///
/// Every connection of the broker is served on that same loop, so channel handlers call into
/// the core synchronously and the core writes to their contexts directly: no locks and no
/// hops on the packet path, and an order of events that is the order packets arrived in.
/// Public API calls reach it through `EventLoop.submit` (see ``MQTTTestBroker``); only the
/// faults, capabilities and observations, which tests read and write from any thread, live
/// behind locks in ``BrokerShared``.
final class BrokerCore {
    let eventLoop: any EventLoop
    let shared: BrokerShared
    let logger: Logger

    /// Every open connection, connected or not.
    var connections: [ObjectIdentifier: BrokerConnection] = [:]
    /// Sessions by client identifier, with or without a connection.
    var sessions: [String: BrokerSession] = [:]
    /// Non-shared subscriptions by filter.
    var subscribers = TopicFilterTrie<SubscriberKey>()
    /// Shared subscription groups by filter.
    var sharedSubscribers = TopicFilterTrie<SharedGroupKey>()
    var sharedGroups: [SharedGroupKey: SharedGroup] = [:]
    /// Retained messages by topic.
    var retained: [String: QueuedMessage] = [:]

    private var nextAssignedIdentifier = 1
    private var nextConnectionNumber = 1
    private(set) var isShutDown = false

    init(eventLoop: any EventLoop, shared: BrokerShared) {
        self.eventLoop = eventLoop
        self.shared = shared
        self.logger = shared.logger
    }

    // MARK: Connection lifecycle

    /// Installs the codec and connection handler on an accepted channel.
    func accept(_ channel: any Channel) throws {
        guard !isShutDown else { throw ChannelError.ioOnClosedChannel }
        let number = nextConnectionNumber
        nextConnectionNumber += 1
        try BrokerConnectionHandler.install(on: channel, core: self, number: number)
    }

    func connectionOpened(_ connection: BrokerConnection) {
        connections[ObjectIdentifier(connection)] = connection
        logger.debug("connection opened", metadata: ["mqtt.connection": "\(connection.number)"])
        let timeout = TimeAmount(shared.configuration.connectTimeout)
        connection.timer = eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self, weak connection] in
            guard let self, let connection, connection.state == .awaitingConnect else { return }
            self.logger.info("no CONNECT in time; closing", metadata: ["mqtt.connection": "\(connection.number)"])
            connection.close()
        }
    }

    func connectionClosed(_ connection: BrokerConnection) {
        connections.removeValue(forKey: ObjectIdentifier(connection))
        connection.state = .closing
        connection.timer?.cancel()
        connection.timer = nil
        guard let session = connection.session, session.connection === connection else { return }
        connection.session = nil
        session.connection = nil
        logger.debug("client disconnected", metadata: ["mqtt.client_id": "\(session.clientID)"])
        shared.observations.record(.disconnected(clientID: session.clientID))
        guard !isShutDown else { return }
        let will = connection.discardsWill ? nil : connection.will
        connection.will = nil
        session.expiryInterval = connection.sessionExpiryInterval
        if session.expiryInterval == 0 {
            endSession(session, will: will)
            return
        }
        if let will { scheduleWill(will, of: session) }
        if session.expiryInterval != .max {
            let expiry = TimeAmount.seconds(Int64(session.expiryInterval))
            session.expiryTask = eventLoop.assumeIsolated().scheduleTask(in: expiry) { [weak self, weak session] in
                guard let self, let session, session.connection == nil else { return }
                self.logger.debug("session expired", metadata: ["mqtt.client_id": "\(session.clientID)"])
                self.endSession(session, will: nil)
            }
        }
    }

    func connectionFailed(_ connection: BrokerConnection, error: any Error) {
        guard connection.state != .closing else { return }
        guard let codecError = error as? MQTTCodecError else {
            logger.debug(
                "connection error", metadata: ["mqtt.connection": "\(connection.number)", "mqtt.error": "\(error)"])
            connection.close()
            return
        }
        logger.info(
            "undecodable packet; disconnecting",
            metadata: ["mqtt.client_id": "\(connection.recordID)", "mqtt.error": "\(codecError)"]
        )
        switch connection.state {
        case .awaitingConnect:
            if let level = codecError.unsupportedProtocolLevel {
                // Answer in the form the client can read: 3.1.1 return code 0x01 for levels up to 4.
                connection.codecSettings.version = level <= 4 ? .v3_1_1 : .v5_0
                connection.version = connection.codecSettings.version
                refuse(connection, .unsupportedProtocolVersion, reasonString: codecError.message)
            } else {
                connection.close()
            }
        case .connected:
            disconnect(connection, reasonCode: codecError.reasonCode, reasonString: codecError.message)
        case .connectIgnored, .closing:
            connection.close()
        }
    }

    // MARK: Inbound packets

    func received(_ packet: MQTTPacket, on connection: BrokerConnection) {
        connection.lastReceived = .now()
        switch connection.state {
        case .awaitingConnect:
            guard case .connect(let connect) = packet else {
                record(packet, .received, on: connection)
                logger.info(
                    "first packet is not CONNECT; closing", metadata: ["mqtt.connection": "\(connection.number)"])
                connection.close()
                return
            }
            handleConnect(connect, on: connection)
        case .connectIgnored:
            record(packet, .received, on: connection)
        case .connected:
            record(packet, .received, on: connection)
            var packet = packet
            if let interceptor = shared.currentFaults.inboundInterceptor {
                switch interceptor(connection.recordID, packet).kind {
                case .process:
                    break
                case .ignore:
                    return
                case .replace(let replacement):
                    packet = replacement
                case .disconnect(let reasonCode):
                    disconnect(connection, reasonCode: reasonCode, reasonString: "injected by the test broker")
                    return
                }
            }
            handle(packet, on: connection)
        case .closing:
            break
        }
    }

    private func handle(_ packet: MQTTPacket, on connection: BrokerConnection) {
        switch packet {
        case .publish(let publish):
            handlePublish(publish, on: connection)
        case .pubAck(let ack):
            handlePubAck(ack, on: connection)
        case .pubRec(let rec):
            handlePubRec(rec, on: connection)
        case .pubRel(let rel):
            handlePubRel(rel, on: connection)
        case .pubComp(let comp):
            handlePubComp(comp, on: connection)
        case .subscribe(let subscribe):
            handleSubscribe(subscribe, on: connection)
        case .unsubscribe(let unsubscribe):
            handleUnsubscribe(unsubscribe, on: connection)
        case .pingReq:
            sendAck(.pingResp, on: connection)
        case .disconnect(let disconnect):
            handleDisconnect(disconnect, on: connection)
        case .connect:
            disconnect(connection, reasonCode: .protocolError, reasonString: "second CONNECT")
        case .auth:
            disconnect(connection, reasonCode: .protocolError, reasonString: "AUTH without an authentication method")
        case .connAck, .subAck, .unsubAck, .pingResp:
            disconnect(
                connection, reasonCode: .protocolError, reasonString: "\(packet.packetType) is sent by servers only")
        }
    }

    private func handleDisconnect(_ packet: MQTTDisconnectPacket, on connection: BrokerConnection) {
        if connection.version == .v5_0 {
            if let expiry = packet.properties.sessionExpiryInterval {
                if connection.connectedWithZeroExpiry && expiry != 0 {
                    disconnect(
                        connection, reasonCode: .protocolError,
                        reasonString: "session expiry raised from 0 in DISCONNECT")
                    return
                }
                connection.sessionExpiryInterval = cappedSessionExpiry(expiry).granted
            }
            connection.discardsWill = packet.reasonCode == .normalDisconnection
        } else {
            connection.discardsWill = true
        }
        logger.debug(
            "client sent DISCONNECT",
            metadata: ["mqtt.client_id": "\(connection.recordID)", "mqtt.reason": "\(packet.reasonCode)"])
        connection.close()
    }

    // MARK: Sessions

    func cappedSessionExpiry(_ requested: UInt32) -> (granted: UInt32, reduced: Bool) {
        if let maximum = shared.currentCapabilities.maximumSessionExpiryInterval, requested > maximum {
            return (maximum, true)
        }
        return (requested, false)
    }

    /// Ends `session`: removes its subscriptions and publishes `will` and any will still waiting
    /// for its delay.
    func endSession(_ session: BrokerSession, will: MQTTWill?) {
        session.cancelTimers()
        if sessions[session.clientID] === session {
            sessions.removeValue(forKey: session.clientID)
        }
        for filter in Array(session.subscriptions.keys) {
            removeSubscription(filter, from: session)
        }
        session.queue.removeAll()
        if let pending = session.pendingWill {
            pending.task.cancel()
            session.pendingWill = nil
            publishWill(pending.will, of: session.clientID)
        }
        if let will { publishWill(will, of: session.clientID) }
    }

    private func scheduleWill(_ will: MQTTWill, of session: BrokerSession) {
        let delay = will.properties.willDelayInterval ?? 0
        guard delay > 0 else {
            publishWill(will, of: session.clientID)
            return
        }
        let task = eventLoop.assumeIsolated().scheduleTask(in: .seconds(Int64(delay))) { [weak self, weak session] in
            guard let self, let session, let pending = session.pendingWill else { return }
            session.pendingWill = nil
            self.publishWill(pending.will, of: session.clientID)
        }
        session.pendingWill = (will, task)
    }

    func publishWill(_ will: MQTTWill, of clientID: String) {
        guard !isShutDown else { return }
        var properties = MQTTProperties()
        properties.payloadFormatIndicator = will.properties.payloadFormatIndicator
        properties.messageExpiryInterval = will.properties.messageExpiryInterval
        properties.contentType = will.properties.contentType
        properties.responseTopic = will.properties.responseTopic
        properties.correlationData = will.properties.correlationData
        properties.userProperties = will.properties.userProperties
        let publish = MQTTPublishPacket(
            topic: will.topic,
            payload: will.payload,
            qos: will.qos,
            retain: will.retain && shared.currentCapabilities.retainAvailable,
            properties: properties
        )
        logger.debug("publishing will", metadata: ["mqtt.client_id": "\(clientID)", "mqtt.topic": "\(will.topic)"])
        route(publish, from: clientID)
    }

    // MARK: Writing

    /// Logs and writes `packet`.
    func send(_ packet: MQTTPacket, on connection: BrokerConnection, promise: EventLoopPromise<Void>? = nil) {
        record(packet, .sent, on: connection)
        connection.write(packet, promise: promise)
    }

    /// Sends an acknowledgement, subject to ``MQTTTestBroker/Faults/ackFault``; `then` runs once
    /// it has been written or dropped (not if the connection closes during a delay).
    func sendAck(_ packet: MQTTPacket, on connection: BrokerConnection, then: (() -> Void)? = nil) {
        let fault = shared.currentFaults.ackFault?(connection.recordID, packet) ?? .send
        switch fault.kind {
        case .send:
            send(packet, on: connection)
            then?()
        case .drop:
            logger.debug(
                "dropping acknowledgement",
                metadata: ["mqtt.client_id": "\(connection.recordID)", "mqtt.packet_type": "\(packet.packetType)"])
            then?()
        case .replace(let replacement):
            send(replacement, on: connection)
            then?()
        case .delay(let delay):
            eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [weak self, weak connection] in
                guard let self, let connection, connection.isConnected else { return }
                self.send(packet, on: connection)
                then?()
            }
        }
    }

    /// Sends DISCONNECT (to a connected MQTT 5 client) and closes the connection once it is written.
    func disconnect(
        _ connection: BrokerConnection,
        reasonCode: MQTTDisconnectReasonCode,
        reasonString: String? = nil,
        serverReference: String? = nil,
        userProperties: [MQTTUserProperty] = []
    ) {
        guard connection.state != .closing else { return }
        guard connection.state == .connected, connection.version == .v5_0 else {
            connection.close()
            return
        }
        var properties = MQTTProperties()
        properties.reasonString = reasonString
        properties.serverReference = serverReference
        properties.userProperties = userProperties
        connection.state = .closing
        let promise = eventLoop.makePromise(of: Void.self)
        send(
            .disconnect(MQTTDisconnectPacket(reasonCode: reasonCode, properties: properties)), on: connection,
            promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in connection.close() }
    }

    /// Answers CONNECT with a failure CONNACK and closes the connection once it is written.
    func refuse(
        _ connection: BrokerConnection,
        _ reasonCode: MQTTConnectReasonCode,
        reasonString: String? = nil,
        serverReference: String? = nil
    ) {
        var properties = MQTTProperties()
        if connection.version == .v5_0 {
            properties.reasonString = reasonString
            properties.serverReference = serverReference
        }
        logger.debug(
            "refusing CONNECT", metadata: ["mqtt.client_id": "\(connection.recordID)", "mqtt.reason": "\(reasonCode)"])
        connection.state = .closing
        let promise = eventLoop.makePromise(of: Void.self)
        send(
            .connAck(MQTTConnAckPacket(sessionPresent: false, reasonCode: reasonCode, properties: properties)),
            on: connection, promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in connection.close() }
    }

    func record(
        _ packet: MQTTPacket, _ direction: MQTTTestBroker.PacketRecord.Direction, on connection: BrokerConnection
    ) {
        shared.observations.record(.packet(.init(clientID: connection.recordID, direction: direction, packet: packet)))
    }

    // MARK: Client identifiers

    func assignClientIdentifier() -> String {
        while true {
            let candidate = shared.configuration.assignedClientIdentifierPrefix + String(nextAssignedIdentifier)
            nextAssignedIdentifier += 1
            if sessions[candidate] == nil { return candidate }
        }
    }

    // MARK: Shutdown

    /// Stops everything: cancels timers, disconnects every client (reason 0x8B in MQTT 5) and
    /// completes when every connection has closed.
    func shutdown() -> EventLoopFuture<Void> {
        isShutDown = true
        for session in sessions.values {
            session.cancelTimers()
            session.pendingWill?.task.cancel()
            session.pendingWill = nil
        }
        let closeFutures = connections.values.map { connection -> EventLoopFuture<Void> in
            let closed = connection.channel.closeFuture
            if connection.state == .connected, connection.version == .v5_0 {
                send(.disconnect(MQTTDisconnectPacket(reasonCode: .serverShuttingDown)), on: connection)
            }
            connection.close()
            return closed
        }
        return EventLoopFuture.andAllComplete(closeFutures, on: eventLoop)
    }
}
