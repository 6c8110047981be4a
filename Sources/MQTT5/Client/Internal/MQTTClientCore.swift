import Logging
import NIOCore

/// The state of an ``MQTTClient``, confined to its event loop: the thin shell that performs the
/// actions of its two state machines, the protocol of the current connection
/// (``MQTTConnectionStateMachine``) and reconnection, backoff and sessions
/// (``MQTTReconnectStateMachine``), and holds the connection, timers, listeners and waiters.
///
/// Every method must be called on ``eventLoop`` (hence `@unchecked Sendable`: the type is only
/// ever touched there). Actions of the state machines are performed after each call returns, so
/// a listener may call back into the client without re-entering a machine.
final class MQTTClientCore: @unchecked Sendable {
    typealias Machine = MQTTConnectionStateMachine<MQTTOperationToken>
    typealias Reconnect = MQTTReconnectStateMachine<SystemRandomNumberGenerator>

    let eventLoop: any EventLoop
    let configuration: MQTTClient.Configuration
    let shared: MQTTClientSharedState
    var logger: Logger

    var machine: Machine
    /// The session store side, when ``MQTTClient/Configuration/sessionStore`` is set.
    let persistence: MQTTSessionPersistence?
    private var actions: [Machine.Action] = []
    private var performing = false

    private(set) var reconnect: Reconnect
    /// The handler of the open transport, if any.
    private(set) var connection: MQTTConnectionHandler?
    private var reconnectTimer: Scheduled<Void>?
    private var contexts: Result<MQTTTransportContexts, MQTTError> = .success(MQTTTransportContexts())
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var stopWaiters: [EventLoopPromise<Void>] = []
    private var connectionWaiters:
        [(id: UInt64, promise: EventLoopPromise<MQTTNegotiatedSettings>, timeout: Scheduled<Void>?)] = []

    // Listeners, in registration order.
    private var nextListenerID: UInt64 = 0
    private var eventListeners: [(id: MQTTListenerID, body: (MQTTClientEvent) -> Void)] = []
    private var publishListeners: [(id: MQTTListenerID, body: (MQTTPublishPacket) -> Void)] = []
    private var eventStreams: [(id: MQTTListenerID, continuation: AsyncStream<MQTTClientEvent>.Continuation)] = []
    private var publishStreams:
        [(id: MQTTListenerID, filter: MQTTTopicFilter?, continuation: AsyncStream<MQTTPublishPacket>.Continuation)] = []
    /// The QoS 1 or 2 publish being handed to the listeners, whose acknowledgement one may defer.
    var delivering: DeliveringPublish?
    /// The streams of ``MQTTClient/messageFlows(bufferingPolicy:)`` and the flows they follow.
    private var flowStreams: [(id: MQTTListenerID, continuation: AsyncStream<MQTTMessageFlowEvent>.Continuation)] = []
    private var flowTracker = MQTTMessageFlowTracker()
    /// The buffers of ``MQTTClientListeners`` registrations (drained by a task each).
    private var listenerStreams: [(id: MQTTListenerID, continuation: AsyncStream<MQTTListenerItem>.Continuation)] = []

    init(configuration: MQTTClient.Configuration, eventLoop: any EventLoop, logger: Logger) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.logger[metadataKey: "mqtt.endpoint"] = "\(configuration.endpoint)"
        if !configuration.clientIdentifier.isEmpty {
            self.logger[metadataKey: "mqtt.client_id"] = "\(configuration.clientIdentifier)"
        }
        self.shared = MQTTClientSharedState()
        self.reconnect = Reconnect(configuration: .init(configuration))
        self.machine = Machine(configuration: Self.machineConfiguration(configuration))
        self.persistence = configuration.sessionStore.map { MQTTSessionPersistence(store: $0) }
        if persistence != nil { machine.journal = MQTTSessionJournal() }
    }

    static func machineConfiguration(_ configuration: MQTTClient.Configuration) -> Machine.Configuration {
        var result = Machine.Configuration()
        result.protocolVersion = configuration.protocolVersion
        result.keepAlive = keepAliveSeconds(configuration.keepAlive)
        result.pingTimeout = TimeAmount(configuration.pingTimeout)
        result.connAckTimeout = TimeAmount(configuration.connAckTimeout)
        result.ackTimeout = configuration.ackTimeout.map { TimeAmount($0) }
        result.receiveMaximum = configuration.receiveMaximum ?? 65_535
        result.inboundTopicAliasMaximum =
            configuration.protocolVersion == .v5_0 ? configuration.topicAliasing.inbound.cacheSize : 0
        result.outboundTopicAliasing = configuration.topicAliasing.outbound
        result.offlineQueue = configuration.offlineQueue
        result.enhancedAuthentication =
            configuration.protocolVersion == .v5_0 && configuration.authenticationMethod != nil
        result.extendedValidation = configuration.extendedValidation
        result.recoveredPublishesWithoutSession = configuration.recoveredPublishesWithoutSession
        result.flowControl =
            configuration.flowControl ?? (configuration.extendedValidation == .awsIoTCore ? .awsIoTCore : .none)
        return result
    }

    static func keepAliveSeconds(_ duration: Duration) -> UInt16 {
        let seconds = duration.components.seconds + (duration.components.attoseconds > 0 ? 1 : 0)
        return UInt16(clamping: max(0, seconds))
    }

    // MARK: - Running the machine

    /// Runs `body` on the machine, then performs the actions it produced (unless an outer call
    /// is already performing, which then picks them up), flushes, publishes statistics and
    /// re-arms the timer.
    func run(_ body: (inout Machine, inout [Machine.Action]) -> Void) {
        body(&machine, &actions)
        guard !performing else { return }
        performing = true
        // Published before completing promises, so a caller resuming sees them up to date.
        shared.statistics = machine.statistics
        var index = 0
        while index < actions.count {
            let action = actions[index]
            index += 1
            perform(action)
        }
        actions.removeAll(keepingCapacity: actions.count < 1024)
        performing = false
        if let connection {
            connection.flush()
        } else if persistence != nil {
            afterSessionCommit {}
        }
        shared.statistics = machine.statistics
        armTimer()
    }

    private func perform(_ action: Machine.Action) {
        switch action {
        case .send(let packet):
            connection?.write(packet)
            if !flowStreams.isEmpty, let event = flowTracker.sent(packet) { emitFlow(event) }
        case .deliver(let publish, let acknowledgement):
            if persistence != nil {
                deferDelivery(publish, acknowledgement: acknowledgement)
            } else {
                deliver(publish, acknowledgement: acknowledgement)
            }
        case .succeedPublish(let token, let result):
            switch token {
            case .publish(let promise): promise.succeed(result)
            case .publishCallback(let completion): completion(.success(result))
            case .recovered(let sequence): recoveredPublishFinished(sequence, .success(result))
            case .writeBehind: shared.releaseWriteBehind()
            case .subscribe, .unsubscribe, .auth: break
            }
        case .succeedSubscribe(let token, let subAck):
            if case .subscribe(let promise) = token { promise.succeed(subAck) }
        case .succeedUnsubscribe(let token, let unsubAck):
            if case .unsubscribe(let promise) = token { promise.succeed(unsubAck) }
        case .succeedAuth(let token, let auth):
            if case .auth(let promise) = token { promise.succeed(auth) }
        case .fail(let token, let error):
            switch token {
            case .recovered(let sequence):
                recoveredPublishFinished(sequence, .failure(error))
            case .writeBehind:
                shared.releaseWriteBehind()
                logger.debug(
                    "a QoS 0 publish handed to the connection was not sent", metadata: ["mqtt.error": "\(error)"])
            default:
                token.fail(error)
            }
        case .connected(let connAck, let settings):
            recoveredSessionConnected(settings)
            reconnecting { reconnect, actions in
                reconnect.connectionAccepted(connAck, settings: settings, now: .now(), into: &actions)
            }
        case .authenticate(let auth):
            answerAuthentication(auth)
        case .close:
            connection?.close()
        }
    }

    private func armTimer() {
        guard let deadline = machine.nextDeadline else { return }
        if let timerDeadline, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerDeadline = nil
            run { machine, actions in machine.timerFired(now: .now(), into: &actions) }
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    // MARK: - Reconnection

    /// Runs `body` on the reconnect machine, then performs the actions it produced, in order.
    private func reconnecting(_ body: (inout Reconnect, inout [MQTTReconnectAction]) -> Void) {
        var actions: [MQTTReconnectAction] = []
        body(&reconnect, &actions)
        for action in actions { perform(action) }
    }

    private func perform(_ action: MQTTReconnectAction) {
        switch action {
        case .connect(let attempt):
            logger.debug("MQTT connecting", metadata: ["mqtt.attempt": "\(attempt)"])
            openConnection(attempt: attempt)
        case .emit(let event):
            switch event {
            case .connectionFailure(_, let error):
                logger.debug("MQTT connection attempt failed", metadata: ["mqtt.error": "\(error)"])
            case .disconnection(_, let error):
                logger.debug("MQTT disconnected", metadata: ["mqtt.error": "\(error)"])
            case .attemptingConnect, .connectionSuccess, .stopped:
                break
            }
            emit(event)
        case .connectionSucceeded(let connAck, let settings):
            connectionSucceeded(connAck, settings)
        case .scheduleReconnect(let attempt, let deadline, let delay):
            logger.debug("MQTT reconnecting", metadata: ["mqtt.delay": "\(delay)"])
            reconnectTimer?.cancel()
            reconnectTimer = eventLoop.scheduleTask(deadline: deadline) { [self] in
                reconnectTimer = nil
                reconnecting { reconnect, actions in reconnect.reconnectTimerFired(after: attempt, into: &actions) }
            }
        case .cancelReconnect:
            reconnectTimer?.cancel()
            reconnectTimer = nil
        case .disconnect(let packet):
            guard let handler = connection else { return }
            let error = MQTTError(code: .clientStopped, message: "the client was stopped")
            if machine.phase != .closing {
                run { machine, actions in machine.disconnect(packet, error: error, now: .now(), into: &actions) }
            }
            if machine.phase == .disconnected { handler.close() }
        case .succeedStopWaiters:
            let superseded = stopWaiters
            stopWaiters.removeAll()
            for waiter in superseded { waiter.succeed() }
        case .stopped(let error):
            finishStop(error)
        }
    }

    // MARK: - Lifecycle

    /// The endpoint of the current (or last) connection attempt.
    private var currentEndpoint: MQTTEndpoint {
        let endpoints = configuration.endpoints
        return endpoints[min(reconnect.currentEndpoint, endpoints.count - 1)]
    }

    func start(contexts: Result<MQTTTransportContexts, MQTTError>) {
        guard !reconnect.isRunning else { return }
        self.contexts = contexts
        if case .success = contexts {
            switch restoreSession() {
            case .success(let hadSession): if hadSession { reconnect.hadSuccessfulConnection = true }
            case .failure(let error): self.contexts = .failure(error)
            }
        }
        reconnecting { reconnect, actions in reconnect.start(into: &actions) }
    }

    func stop(disconnect packet: MQTTDisconnectPacket, promise: EventLoopPromise<Void>?) {
        if let promise { stopWaiters.append(promise) }
        reconnecting { reconnect, actions in reconnect.stop(disconnect: packet, into: &actions) }
    }

    private func finishStop(_ error: MQTTError?) {
        connection = nil
        cancelTimer()
        if let error {
            logger.debug(
                "MQTT connection failure that retrying cannot heal; stopping", metadata: ["mqtt.error": "\(error)"])
        }
        let failure =
            error.map {
                MQTTError(
                    code: .clientStopped, message: "the client stopped: \($0.message)", reasonCode: $0.reasonCode,
                    reasonString: $0.reasonString, cause: $0)
            }
            ?? MQTTError(code: .clientStopped, message: "the client was stopped")
        let stopError =
            persistence?.failure.map { storeFailure in
                MQTTError(
                    code: .clientStopped, message: "the client stopped: \(storeFailure.message)", cause: storeFailure)
            } ?? failure
        run { machine, actions in machine.failAll(stopError, into: &actions) }
        shared.isConnected = false
        shared.negotiatedSettings = nil
        failConnectionWaiters(failure)
        logger.debug("MQTT client stopped", metadata: error.map { ["mqtt.error": "\($0)"] } ?? [:])
        emit(.stopped(error))
        let waiters = stopWaiters
        stopWaiters.removeAll()
        // With a session store, stop returns once everything recorded is committed.
        afterSessionCommit {
            for waiter in waiters { waiter.succeed() }
        }
    }

    /// The session store failed: the next connection attempt fails with `error` (which stops
    /// the client), and the current connection closes.
    func sessionStoreUnusable(_ error: MQTTError) {
        contexts = .failure(error)
        connection?.close()
    }

    /// Opens the transport of `attempt` (after the WebSocket handshake transform, if any).
    private func openConnection(attempt thisAttempt: UInt64) {
        guard reconnect.isConnecting(attempt: thisAttempt) else { return }  // a listener stopped the client
        let endpoint = currentEndpoint
        logger[metadataKey: "mqtt.endpoint"] = "\(endpoint)"
        let tls: MQTTTransportContexts
        switch contexts {
        case .success(let built): tls = built
        case .failure(let error):
            transportFailed(attempt: thisAttempt, error)
            return
        }
        guard endpoint.transport.isWebSocket else {
            openTransport(attempt: thisAttempt, tls: tls, request: nil)
            return
        }
        let request = MQTTTransport.defaultHandshakeRequest(
            endpoint: endpoint, extraHeaders: configuration.webSocket.headers)
        guard let transform = configuration.webSocket.handshakeTransform else {
            openTransport(attempt: thisAttempt, tls: tls, request: request)
            return
        }
        let loop = eventLoop
        Task { [self] in
            do {
                let transformed = try await transform(request)
                loop.execute { self.openTransport(attempt: thisAttempt, tls: tls, request: transformed) }
            } catch {
                loop.execute {
                    self.transportFailed(
                        attempt: thisAttempt,
                        MQTTError(
                            code: .transportFailure, message: "the WebSocket handshake transform failed: \(error)",
                            cause: error))
                }
            }
        }
    }

    private func openTransport(
        attempt thisAttempt: UInt64, tls: MQTTTransportContexts, request: MQTTWebSocketHandshakeRequest?
    ) {
        guard reconnect.isConnecting(attempt: thisAttempt) else { return }
        let codecSettings = MQTTCodecSettings(
            version: configuration.protocolVersion,
            maximumIncomingPacketSize: configuration.maximumPacketSize ?? MQTTFrameDecoder.maximumPossiblePacketSize
        )
        let handler = MQTTConnectionHandler(
            core: self, version: configuration.protocolVersion, codecSettings: codecSettings)
        let boundHandler = NIOLoopBound(handler, eventLoop: eventLoop)
        let options = MQTTTransport.Options(
            endpoint: currentEndpoint,
            tlsContext: tls.broker,
            tls: configuration.tls,
            proxy: configuration.proxy,
            proxyTLSContext: tls.proxy,
            webSocketRequest: request,
            maximumFrameSize: configuration.webSocket.maximumFrameSize,
            connectTimeout: TimeAmount(configuration.connectTimeout),
            socketOptions: configuration.socketOptions,
            channelInitializer: configuration.channelInitializer
        )
        let future = MQTTTransport.connect(
            options,
            eventLoop: eventLoop,
            addMQTTHandlers: { channel in
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(boundHandler.value)
            }
        )
        future.whenComplete { [self] result in
            switch result {
            case .success(let channel):
                self.transportReady(attempt: thisAttempt, handler: boundHandler.value, channel: channel)
            case .failure(let error):
                self.transportFailed(attempt: thisAttempt, error)
            }
        }
    }

    private func transportReady(attempt thisAttempt: UInt64, handler: MQTTConnectionHandler, channel: any Channel) {
        guard handler.isActive else {
            transportFailed(
                attempt: thisAttempt,
                handler.error
                    ?? MQTTError(code: .transportFailure, message: "the connection closed while it was being set up"))
            return
        }
        switch reconnect.transportOpened(attempt: thisAttempt) {
        case .close:
            channel.close(promise: nil)
        case .sendConnect(let clientIdentifier, let cleanStart):
            connection = handler
            let connect = makeConnectPacket(clientIdentifier: clientIdentifier, cleanStart: cleanStart)
            run { machine, actions in machine.connectionEstablished(connect: connect, now: .now(), into: &actions) }
        }
    }

    private func transportFailed(attempt thisAttempt: UInt64, _ error: any Error) {
        let failure =
            (error as? MQTTError)
            ?? MQTTError(
                code: .transportFailure, message: "cannot connect to \(currentEndpoint): \(error)", cause: error)
        reconnecting { reconnect, actions in
            reconnect.connectAttemptFailed(attempt: thisAttempt, error: failure, now: .now(), into: &actions)
        }
    }

    /// The CONNECT of a connection: the session parameters the reconnect machine chose, and the
    /// configuration's properties, credentials and will.
    func makeConnectPacket(clientIdentifier: String, cleanStart: Bool) -> MQTTConnectPacket {
        var properties = MQTTProperties()
        var will = configuration.will
        if configuration.protocolVersion == .v5_0 {
            if configuration.sessionExpiryInterval > 0 {
                properties.sessionExpiryInterval = configuration.sessionExpiryInterval
            }
            properties.receiveMaximum = configuration.receiveMaximum
            properties.maximumPacketSize = configuration.maximumPacketSize
            let aliases = configuration.topicAliasing.inbound.cacheSize
            if aliases > 0 { properties.topicAliasMaximum = aliases }
            if configuration.requestResponseInformation { properties.requestResponseInformation = true }
            if !configuration.requestProblemInformation { properties.requestProblemInformation = false }
            properties.userProperties = configuration.userProperties
            properties.authenticationMethod = configuration.authenticationMethod
            properties.authenticationData =
                configuration.authenticationMethod == nil ? nil : configuration.authenticationData
        } else {
            will?.properties = MQTTProperties()
        }
        return MQTTConnectPacket(
            protocolVersion: configuration.protocolVersion,
            cleanStart: cleanStart,
            keepAlive: Self.keepAliveSeconds(configuration.keepAlive),
            clientIdentifier: clientIdentifier,
            username: configuration.username,
            password: configuration.password,
            will: will,
            properties: properties
        )
    }

    private func connectionSucceeded(_ connAck: MQTTConnAckPacket, _ negotiated: MQTTNegotiatedSettings) {
        var settings = negotiated
        settings.endpoint = currentEndpoint
        if configuration.clientIdentifier.isEmpty, !settings.clientIdentifier.isEmpty {
            logger[metadataKey: "mqtt.client_id"] = "\(settings.clientIdentifier)"
        }
        shared.negotiatedSettings = settings
        shared.isConnected = true
        logger.debug("MQTT connected", metadata: ["mqtt.session_present": "\(connAck.sessionPresent)"])
        emit(.connectionSuccess(connAck, settings))
        let waiters = connectionWaiters
        connectionWaiters.removeAll()
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.promise.succeed(settings)
        }
    }

    private func answerAuthentication(_ auth: MQTTAuthPacket) {
        guard let handler = connection else { return }
        guard let authenticate = configuration.authenticationHandler else {
            let error = MQTTError(
                code: .authenticationFailed,
                message: "the broker continues enhanced authentication but no authentication handler is configured")
            run { machine, actions in machine.authenticationFailed(error, now: .now(), into: &actions) }
            return
        }
        let loop = eventLoop
        let boundHandler = NIOLoopBound(handler, eventLoop: eventLoop)
        Task { [self] in
            let result: Result<MQTTAuthPacket, any Error>
            do {
                result = .success(try await authenticate(auth))
            } catch {
                result = .failure(error)
            }
            loop.execute {
                guard self.connection === boundHandler.value else { return }
                switch result {
                case .success(let reply):
                    self.run { machine, actions in machine.sendAuth(reply, now: .now(), into: &actions) }
                case .failure(let error):
                    let failure = MQTTError(
                        code: .authenticationFailed, message: "the authentication handler failed: \(error)",
                        cause: error)
                    self.run { machine, actions in machine.authenticationFailed(failure, now: .now(), into: &actions) }
                }
            }
        }
    }

    // MARK: - Connection events

    func received(_ packet: MQTTPacket, from handler: MQTTConnectionHandler) {
        guard connection === handler else { return }
        if !flowStreams.isEmpty, let event = flowTracker.received(packet) { emitFlow(event) }
        run { machine, actions in machine.receive(packet, now: .now(), into: &actions) }
    }

    func decodingFailed(_ error: MQTTCodecError, from handler: MQTTConnectionHandler) {
        guard connection === handler else { return }
        logger.debug("MQTT received an undecodable packet", metadata: ["mqtt.error": "\(error)"])
        run { machine, actions in machine.decodingFailed(error, into: &actions) }
    }

    func encodingFailed(_ error: MQTTCodecError, packet: MQTTPacket, from handler: MQTTConnectionHandler) {
        guard connection === handler else { return }
        logger.debug("MQTT could not encode a \(packet.packetType) packet", metadata: ["mqtt.error": "\(error)"])
        let failure = MQTTError(
            code: .invalidArgument, message: "could not encode \(packet.packetType): \(error.message)", cause: error)
        run { machine, actions in machine.close(.init(error: failure), into: &actions) }
    }

    func channelClosed(_ handler: MQTTConnectionHandler) {
        guard connection === handler else { return }
        var outcome: Machine.ClosedOutcome?
        run { machine, actions in outcome = machine.connectionClosed(now: .now(), into: &actions) }
        guard let outcome else { return }
        var error = outcome.reason.error
        if error.code == .connectionClosed, let cause = handler.error {
            if outcome.wasConnected {
                error = MQTTError(code: .connectionClosed, message: "the connection closed: \(cause)", cause: cause)
            } else if let transportError = cause as? MQTTError {
                error = transportError  // e.g. a rejected certificate, which must not be retried
            } else {
                error = MQTTError(
                    code: .transportFailure, message: "cannot connect to \(currentEndpoint): \(cause)", cause: cause)
            }
        }
        shared.isConnected = false
        shared.negotiatedSettings = nil
        connection = nil
        cancelTimer()
        reconnecting { reconnect, actions in
            reconnect.connectionClosed(
                error: error, connAck: outcome.reason.connAck, disconnect: outcome.reason.disconnect, now: .now(),
                into: &actions
            )
        }
    }

    // MARK: - Operations

    func submit(
        _ operation: Machine.Operation, token: MQTTOperationToken?, aliasPolicy: MQTTTopicAliasPolicy? = nil
    ) {
        run { machine, actions in
            machine.submit(operation, token: token, aliasPolicy: aliasPolicy, now: .now(), into: &actions)
        }
    }

    func cancel(_ identity: ObjectIdentifier) {
        run { machine, actions in machine.cancel(where: { $0.identity == identity }, into: &actions) }
    }

    func reauthenticate(_ packet: MQTTAuthPacket, promise: EventLoopPromise<MQTTAuthPacket>) {
        run { machine, actions in machine.reauthenticate(packet, token: .auth(promise), now: .now(), into: &actions) }
    }

    func waitForConnection(timeout: TimeAmount, promise: EventLoopPromise<MQTTNegotiatedSettings>) {
        if machine.isConnected, let settings = shared.negotiatedSettings {
            promise.succeed(settings)
            return
        }
        guard reconnect.isRunning else {
            let lastConnectionError = reconnect.lastError
            let reason =
                lastConnectionError.map { "the client stopped after: \($0.message)" } ?? "the client is not started"
            promise.fail(
                MQTTError(
                    code: .clientStopped, message: reason, reasonCode: lastConnectionError?.reasonCode,
                    cause: lastConnectionError))
            return
        }
        nextListenerID += 1
        let id = nextListenerID
        let task = eventLoop.scheduleTask(in: timeout) { [self] in
            guard let index = connectionWaiters.firstIndex(where: { $0.id == id }) else { return }
            let waiter = connectionWaiters.remove(at: index)
            let lastError = reconnect.lastError
            let last = lastError.map { " (last failure: \($0.code): \($0.message))" } ?? ""
            waiter.promise.fail(
                MQTTError(
                    code: .connAckTimeout, message: "not connected within \(Machine.describe(timeout))\(last)",
                    cause: lastError))
        }
        connectionWaiters.append((id, promise, task))
    }

    func cancelConnectionWaiter(_ promise: EventLoopPromise<MQTTNegotiatedSettings>) {
        guard let index = connectionWaiters.firstIndex(where: { $0.promise.futureResult === promise.futureResult })
        else { return }
        let waiter = connectionWaiters.remove(at: index)
        waiter.timeout?.cancel()
        waiter.promise.fail(MQTTError(code: .cancelled, message: "the wait for a connection was cancelled"))
    }

    private func failConnectionWaiters(_ error: MQTTError) {
        let waiters = connectionWaiters
        connectionWaiters.removeAll()
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.promise.fail(error)
        }
    }

    // MARK: - Listeners

    private func makeListenerID() -> MQTTListenerID {
        nextListenerID += 1
        return MQTTListenerID(rawValue: nextListenerID)
    }

    func addEventListener(_ body: @escaping (MQTTClientEvent) -> Void) -> MQTTListenerID {
        let id = makeListenerID()
        eventListeners.append((id, body))
        return id
    }

    func addPublishListener(_ body: @escaping (MQTTPublishPacket) -> Void) -> MQTTListenerID {
        let id = makeListenerID()
        publishListeners.append((id, body))
        return id
    }

    func addEventStream(_ continuation: AsyncStream<MQTTClientEvent>.Continuation) -> MQTTListenerID {
        let id = makeListenerID()
        eventStreams.append((id, continuation))
        return id
    }

    func addPublishStream(
        _ continuation: AsyncStream<MQTTPublishPacket>.Continuation, filter: MQTTTopicFilter?
    ) -> MQTTListenerID {
        let id = makeListenerID()
        publishStreams.append((id, filter, continuation))
        return id
    }

    func addFlowStream(_ continuation: AsyncStream<MQTTMessageFlowEvent>.Continuation) -> MQTTListenerID {
        let id = makeListenerID()
        flowStreams.append((id, continuation))
        return id
    }

    private func emitFlow(_ event: MQTTMessageFlowEvent) {
        for stream in flowStreams { stream.continuation.yield(event) }
    }

    func addListenerStream(_ continuation: AsyncStream<MQTTListenerItem>.Continuation, id: MQTTListenerID) {
        listenerStreams.append((id, continuation))
    }

    /// Ends every public stream (the client was deallocated).
    func finishStreams() {
        let events = eventStreams
        let publishes = publishStreams
        let listeners = listenerStreams
        let flows = flowStreams
        flowStreams.removeAll()
        eventStreams.removeAll()
        publishStreams.removeAll()
        listenerStreams.removeAll()
        for stream in events { stream.continuation.finish() }
        for stream in publishes { stream.continuation.finish() }
        for stream in listeners { stream.continuation.finish() }
        for stream in flows { stream.continuation.finish() }
    }

    func removeListener(_ id: MQTTListenerID) {
        eventListeners.removeAll { $0.id == id }
        publishListeners.removeAll { $0.id == id }
        eventStreams.removeAll { $0.id == id }
        publishStreams.removeAll { $0.id == id }
        flowStreams.removeAll { $0.id == id }
        if let index = listenerStreams.firstIndex(where: { $0.id == id }) {
            listenerStreams.remove(at: index).continuation.finish()
        }
    }

    private func emit(_ event: MQTTClientEvent) {
        for listener in eventListeners { listener.body(event) }
        for stream in eventStreams { stream.continuation.yield(event) }
        for stream in listenerStreams { stream.continuation.yield(.event(event)) }
    }

    func deliver(_ publish: MQTTPublishPacket, acknowledgement: MQTTInboundAcknowledgementID?) {
        delivering = acknowledgement.map { DeliveringPublish(acknowledgement: $0, deferred: false) }
        for listener in publishListeners { listener.body(publish) }
        for stream in publishStreams where stream.filter?.matches(publish.topic) ?? true {
            stream.continuation.yield(publish)
        }
        for stream in listenerStreams { stream.continuation.yield(.publish(publish)) }
        let delivered = delivering
        delivering = nil
        if let delivered, !delivered.deferred {
            run { machine, actions in machine.acknowledge(delivered.acknowledgement, now: .now(), into: &actions) }
        }
    }
}
