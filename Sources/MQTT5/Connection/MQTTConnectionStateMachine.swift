import DequeModule
import NIOCore

/// The MQTT protocol state of a client, free of I/O: CONNECT/CONNACK, keep-alive, packet
/// identifiers, QoS 1 and 2 flows in both directions, Receive Maximum both ways, topic aliases,
/// the session state that outlives a connection (un-acknowledged publishes, inbound QoS 2
/// identifiers) and the queue of operations waiting to be sent.
///
/// Events go in as method calls with the current time; what to do comes out as
/// ``MQTTConnectionAction``s appended to a buffer. `Token` identifies an operation to its
/// submitter (a promise in the client, a number in tests); the machine only hands it back.
struct MQTTConnectionStateMachine<Token> {
    typealias Action = MQTTConnectionAction<Token>

    /// What the machine needs to know of the client's configuration.
    struct Configuration {
        /// The protocol version of every connection.
        var protocolVersion: MQTTProtocolVersion = .v5_0
        /// The keep-alive interval requested in CONNECT, in seconds (0: off).
        var keepAlive: UInt16 = 60
        /// How long to wait for a PINGRESP.
        var pingTimeout: TimeAmount = .seconds(30)
        /// How long to wait for a CONNACK.
        var connAckTimeout: TimeAmount = .seconds(20)
        /// How long to wait for the acknowledgement of a sent operation; `nil` waits forever.
        var ackTimeout: TimeAmount? = nil
        /// The Receive Maximum the client announces: inbound QoS 2 flows allowed at once.
        var receiveMaximum: UInt16 = 65_535
        /// The Topic Alias Maximum the client announces (0: the broker may not use aliases).
        var inboundTopicAliasMaximum: UInt16 = 0
        /// How outbound publishes use aliases.
        var outboundTopicAliasing: MQTTTopicAliasing.Outbound = .disabled
        /// What happens to operations on disconnection and while disconnected.
        var offlineQueue = MQTTOfflineQueuePolicy()
        /// Whether an authentication method is configured (needed for re-authentication).
        var enhancedAuthentication = false
        /// Extra checks for a broker's limits.
        var extendedValidation: MQTTExtendedValidation = .none
        /// What happens to sent publishes recovered from a session store when the broker has no session.
        var recoveredPublishesWithoutSession = MQTTRecoveredPublishPolicy.resend
        /// Rate and subscription limits that delay operations.
        var flowControl: MQTTFlowControl = .none
    }

    /// An operation as submitted.
    enum Operation {
        case publish(MQTTPublishPacket)
        case subscribe(MQTTSubscribePacket)
        case unsubscribe(MQTTUnsubscribePacket)
    }

    /// An operation waiting to be sent.
    struct QueuedOperation {
        var operation: Operation
        var token: Token?
        var size: Int
        /// The session-store sequence of a QoS 1 or 2 publish (0: not journaled).
        var key: UInt64 = 0
        /// Whether it was recovered from a session store.
        var isRecovered = false
        /// The publish's own topic alias policy, if any.
        var aliasPolicy: MQTTTopicAliasPolicy? = nil
    }

    /// Where an outbound QoS 1 or 2 flow stands.
    enum FlowStage {
        case awaitingPubAck
        case awaitingPubRec
        case awaitingPubComp(MQTTPubRecPacket)
        case awaitingSubAck
        case awaitingUnsubAck
    }

    /// An operation sent and waiting for its acknowledgement.
    struct InFlightOperation {
        var operation: Operation
        var stage: FlowStage
        var token: Token?
        var size: Int
        var sentAt: NIODeadline
        var sequence: UInt64
        /// Whether it was recovered from a session store.
        var isRecovered = false
    }

    /// The connection phase.
    enum Phase: Equatable {
        /// No connection.
        case disconnected
        /// CONNECT sent, waiting for CONNACK (possibly through an AUTH exchange).
        case connecting(deadline: NIODeadline, cleanStart: Bool)
        /// CONNACK accepted.
        case connected
        /// The connection is being closed; nothing more is sent.
        case closing
    }

    /// Why the current or last connection ended.
    struct CloseReason {
        var error: MQTTError
        var disconnect: MQTTDisconnectPacket?
        var connAck: MQTTConnAckPacket?
    }

    /// What ``connectionClosed(now:into:)`` reports.
    struct ClosedOutcome {
        /// Why the connection ended.
        var reason: CloseReason
        /// Whether a CONNACK had accepted the connection.
        var wasConnected: Bool
    }

    var configuration: Configuration
    var phase: Phase = .disconnected
    /// The settings of the current connection, once connected.
    var negotiated: MQTTNegotiatedSettings?
    var wasConnected = false
    var closeReason: CloseReason?

    // Session state (outlives connections).
    var queue = Deque<QueuedOperation>()
    var inFlight: [UInt16: InFlightOperation] = [:]
    var inboundQoS2: Set<UInt16> = []
    var nextPacketIdentifier: UInt16 = 1
    var nextSequence: UInt64 = 0
    /// Outbound QoS 1 and 2 publishes in flight (counted against the broker's Receive Maximum).
    var publishesInFlight = 0
    var queuedSize = 0
    var inFlightSize = 0
    /// Session changes not yet committed to the session store; `nil` without a store.
    var journal: MQTTSessionJournal?

    // Per-connection state.
    /// The Session Expiry Interval the current connection's CONNECT asked for (0 when absent).
    var connectSessionExpiryInterval: UInt32 = 0
    var lastSentAt = NIODeadline.uptimeNanoseconds(0)
    var pingSentAt: NIODeadline?
    var keepAliveInterval: TimeAmount?
    var ackDeadlineHint: NIODeadline?
    var outboundAliases = MQTTOutboundTopicAliases()
    var inboundAliases: [UInt16: String] = [:]
    var reauthentication: Token?
    /// PUBACKs and PUBRECs owed for received publishes, in the order the publishes arrived.
    var pendingAcknowledgements = MQTTInboundAcknowledgements()
    /// Flow control (rates, draining, subscription limit) and when to drain again after a delay.
    var throttle: MQTTOutboundThrottle
    var pacingDeadline: NIODeadline?

    /// Creates a disconnected machine with an empty session.
    init(configuration: Configuration) {
        self.configuration = configuration
        self.throttle = MQTTOutboundThrottle(
            flowControl: configuration.flowControl, drainingRate: configuration.offlineQueue.drainingRate)
    }

    /// The protocol version of the connections.
    var version: MQTTProtocolVersion { configuration.protocolVersion }

    /// Whether a CONNACK accepted the current connection and it is still open.
    var isConnected: Bool { phase == .connected }

    /// Counts and sizes of the operations the machine holds.
    var statistics: MQTTOperationStatistics {
        MQTTOperationStatistics(
            incompleteOperationCount: queue.count + inFlight.count,
            incompleteOperationSize: queuedSize + inFlightSize,
            unackedOperationCount: inFlight.count,
            unackedOperationSize: inFlightSize
        )
    }

    /// When ``timerFired(now:into:)`` must be called next, if ever.
    var nextDeadline: NIODeadline? {
        switch phase {
        case .connecting(let deadline, _):
            return deadline
        case .connected:
            var deadline: NIODeadline?
            if let pingSentAt {
                deadline = pingSentAt + configuration.pingTimeout
            } else if let keepAliveInterval {
                deadline = lastSentAt + keepAliveInterval
            }
            if let ackDeadlineHint {
                deadline = min(deadline ?? ackDeadlineHint, ackDeadlineHint)
            }
            if let pacingDeadline {
                deadline = min(deadline ?? pacingDeadline, pacingDeadline)
            }
            return deadline
        case .disconnected, .closing:
            return nil
        }
    }
}

// MARK: - Shared helpers

extension MQTTConnectionStateMachine {
    /// Records why the connection ends (the first reason wins) and asks the driver to close it.
    mutating func close(_ reason: CloseReason, into actions: inout [Action]) {
        guard phase != .disconnected, phase != .closing else { return }
        if closeReason == nil { closeReason = reason }
        phase = .closing
        actions.append(.close)
    }

    /// Closes the connection because the broker broke the protocol: sends DISCONNECT with
    /// `reasonCode` (MQTT 5) first.
    mutating func protocolViolation(
        _ reasonCode: MQTTDisconnectReasonCode, _ message: String, into actions: inout [Action]
    ) {
        guard phase != .disconnected, phase != .closing else { return }
        if version == .v5_0 {
            var properties = MQTTProperties()
            properties.reasonString = message
            send(
                .disconnect(MQTTDisconnectPacket(reasonCode: reasonCode, properties: properties)), now: lastSentAt,
                into: &actions)
        }
        let error = MQTTError(
            code: .protocolViolation, message: "the broker broke the protocol: \(message)",
            reasonCode: .disconnect(reasonCode))
        close(CloseReason(error: error), into: &actions)
    }

    @inline(__always)
    mutating func send(_ packet: MQTTPacket, now: NIODeadline, into actions: inout [Action]) {
        lastSentAt = now
        actions.append(.send(packet))
    }

    mutating func allocatePacketIdentifier() -> UInt16? {
        guard inFlight.count < Int(UInt16.max) else { return nil }
        while true {
            let identifier = nextPacketIdentifier
            nextPacketIdentifier = identifier == UInt16.max ? 1 : identifier + 1
            if inFlight[identifier] == nil { return identifier }
        }
    }

    mutating func takeSequence() -> UInt64 {
        nextSequence &+= 1
        return nextSequence
    }

    mutating func noteSent(at now: NIODeadline) {
        if ackDeadlineHint == nil, let ackTimeout = configuration.ackTimeout {
            ackDeadlineHint = now + ackTimeout
        }
    }

    mutating func addQueued(_ operation: QueuedOperation, atFront: Bool = false) {
        queuedSize += operation.size
        if atFront { queue.prepend(operation) } else { queue.append(operation) }
    }

    mutating func popQueued() -> QueuedOperation? {
        guard let operation = queue.popFirst() else { return nil }
        queuedSize -= operation.size
        return operation
    }

    mutating func removeInFlight(_ identifier: UInt16) -> InFlightOperation? {
        guard let entry = inFlight.removeValue(forKey: identifier) else { return nil }
        inFlightSize -= entry.size
        if case .publish = entry.operation { publishesInFlight -= 1 }
        return entry
    }

    mutating func insertInFlight(_ entry: InFlightOperation, identifier: UInt16) {
        inFlight[identifier] = entry
        inFlightSize += entry.size
        if case .publish = entry.operation { publishesInFlight += 1 }
    }

    /// Resets the per-connection state when a connection starts or ends.
    mutating func resetConnectionState() {
        pingSentAt = nil
        keepAliveInterval = nil
        ackDeadlineHint = nil
        outboundAliases = MQTTOutboundTopicAliases()
        inboundAliases = [:]
        pendingAcknowledgements.removeAll()
    }

    mutating func setConnected(_ settings: MQTTNegotiatedSettings) {
        negotiated = settings
        phase = .connected
        wasConnected = true
        keepAliveInterval = settings.serverKeepAlive == 0 ? nil : .seconds(Int64(settings.serverKeepAlive))
        outboundAliases = MQTTOutboundTopicAliases(
            behavior: configuration.outboundTopicAliasing,
            maximum: settings.topicAliasMaximumToServer
        )
    }

    mutating func setConnecting(deadline: NIODeadline, cleanStart: Bool, now: NIODeadline) {
        phase = .connecting(deadline: deadline, cleanStart: cleanStart)
        wasConnected = false
        closeReason = nil
        negotiated = nil
        lastSentAt = now
        resetConnectionState()
    }

    mutating func takeCloseOutcome() -> ClosedOutcome {
        let reason =
            closeReason
            ?? CloseReason(error: MQTTError(code: .connectionClosed, message: "the connection closed unexpectedly"))
        let outcome = ClosedOutcome(reason: reason, wasConnected: wasConnected)
        phase = .disconnected
        negotiated = nil
        wasConnected = false
        closeReason = nil
        resetConnectionState()
        return outcome
    }

    mutating func removeQueued(at index: Int) -> QueuedOperation {
        let operation = queue.remove(at: index)
        queuedSize -= operation.size
        return operation
    }

    mutating func removeAllQueued() -> Deque<QueuedOperation> {
        let all = queue
        queue.removeAll()
        queuedSize = 0
        return all
    }

    mutating func removeAllInFlight() -> [InFlightOperation] {
        let all = inFlight.values.sorted { $0.sequence < $1.sequence }
        inFlight.removeAll()
        inFlightSize = 0
        publishesInFlight = 0
        return all
    }
}
