public import MQTT5

extension MQTTTestBroker {
    /// The client identifiers of the clients connected now (CONNACK sent, connection open).
    public var connectedClientIDs: Set<String> {
        shared.observations.connectedClientIDs
    }

    /// Every packet received and sent, oldest first, across all clients and connections (up to
    /// ``Configuration/packetLogLimit`` records).
    public var packetLog: [PacketRecord] {
        shared.observations.packetLog
    }

    /// The packets a client sent to the broker, oldest first, across all its connections.
    ///
    /// A packet is recorded as it arrives, just before the broker handles it: a fault changed
    /// right after a packet shows up here may still apply to it. To know a packet has been
    /// handled, wait for its answer (or send PINGREQ after it and wait for PINGRESP).
    ///
    /// ```swift
    /// let subscribes = broker.receivedPackets(clientID: "device-1").filter { $0.packetType == .subscribe }
    /// ```
    ///
    /// - Parameter clientID: The client identifier.
    /// - Returns: The packets, including CONNECT.
    public func receivedPackets(clientID: String) -> [MQTTPacket] {
        packets(clientID: clientID, direction: .received)
    }

    /// The packets the broker sent to a client, oldest first, across all its connections.
    ///
    /// - Parameter clientID: The client identifier.
    /// - Returns: The packets, including CONNACK.
    public func sentPackets(clientID: String) -> [MQTTPacket] {
        packets(clientID: clientID, direction: .sent)
    }

    private func packets(clientID: String, direction: PacketRecord.Direction) -> [MQTTPacket] {
        packetLog.lazy.filter { $0.clientID == clientID && $0.direction == direction }.map(\.packet)
    }

    /// Empties the packet log.
    public func clearPacketLog() {
        shared.observations.clearLog()
    }

    /// A stream of what happens in the broker from now on: connections, disconnections and
    /// every packet. Each call returns a new stream; it ends when the broker shuts down or the
    /// consuming task is cancelled.
    public func events() -> AsyncStream<Event> {
        shared.observations.subscribe().stream
    }

    /// Waits for a packet matching `predicate`, looking first at the packet log and then at new
    /// packets.
    ///
    /// - Parameters:
    ///   - clientID: Only packets of this client; `nil` for any client.
    ///   - direction: Packets received by the broker (the default) or sent by it.
    ///   - timeout: How long to wait.
    ///   - predicate: Chooses the packet; by default the first one.
    /// - Returns: The first matching packet.
    /// - Throws: ``MQTTTestBrokerError`` with code ``MQTTTestBrokerError/Code/timeout`` or,
    ///   when the broker shuts down meanwhile, ``MQTTTestBrokerError/Code/shutDown``.
    @discardableResult
    public func waitForPacket(
        from clientID: String? = nil,
        direction: PacketRecord.Direction = .received,
        timeout: Duration = .seconds(5),
        where predicate: @escaping @Sendable (MQTTPacket) -> Bool = { _ in true }
    ) async throws -> MQTTPacket {
        let matches: @Sendable (PacketRecord) -> Bool = { record in
            record.direction == direction && (clientID == nil || record.clientID == clientID)
                && predicate(record.packet)
        }
        let (log, stream) = shared.observations.subscribe()
        if let record = log.first(where: matches) { return record.packet }
        let record = try await Self.firstEvent(of: stream, timeout: timeout, what: "a matching packet") {
            (event: Event) -> PacketRecord? in
            guard case .packet(let record) = event, matches(record) else { return nil }
            return record
        }
        return record.packet
    }

    /// Waits until `condition` holds, evaluating it now and after every broker event.
    ///
    /// ```swift
    /// try await broker.waitUntil { broker.receivedPackets(clientID: "svc").count { $0.packetType == .subscribe } == 2 }
    /// ```
    ///
    /// - Parameters:
    ///   - timeout: How long to wait.
    ///   - condition: What to wait for; it runs on the waiting task.
    /// - Throws: ``MQTTTestBrokerError`` with code ``MQTTTestBrokerError/Code/timeout`` or
    ///   ``MQTTTestBrokerError/Code/shutDown``.
    public func waitUntil(timeout: Duration = .seconds(5), _ condition: @escaping @Sendable () -> Bool) async throws {
        let (_, stream) = shared.observations.subscribe()
        if condition() { return }
        _ = try await Self.firstEvent(of: stream, timeout: timeout, what: "the condition") { (_: Event) -> Bool? in
            condition() ? true : nil
        }
    }

    /// Waits until a client is connected (its CONNACK sent).
    ///
    /// - Parameters:
    ///   - clientID: The client identifier.
    ///   - timeout: How long to wait.
    /// - Throws: ``MQTTTestBrokerError`` with code ``MQTTTestBrokerError/Code/timeout`` or
    ///   ``MQTTTestBrokerError/Code/shutDown``.
    public func waitForConnection(clientID: String, timeout: Duration = .seconds(5)) async throws {
        try await waitUntil(timeout: timeout) { [shared] in shared.observations.connectedClientIDs.contains(clientID) }
    }

    /// Waits until a client is no longer connected.
    ///
    /// - Parameters:
    ///   - clientID: The client identifier.
    ///   - timeout: How long to wait.
    /// - Throws: ``MQTTTestBrokerError`` with code ``MQTTTestBrokerError/Code/timeout`` or
    ///   ``MQTTTestBrokerError/Code/shutDown``.
    public func waitForDisconnection(clientID: String, timeout: Duration = .seconds(5)) async throws {
        try await waitUntil(timeout: timeout) { [shared] in !shared.observations.connectedClientIDs.contains(clientID) }
    }

    /// The subscriptions of a client's session as granted (QoS is the granted QoS), sorted by filter.
    ///
    /// - Parameter clientID: The client identifier.
    /// - Returns: The subscriptions; empty when the client has no session.
    public func subscriptions(clientID: String) async -> [MQTTSubscription] {
        await withCore { $0.subscriptions(of: clientID) } ?? []
    }

    /// The client identifiers of every session, connected or kept while offline.
    public var sessionClientIDs: Set<String> {
        get async { await withCore { $0.sessionClientIDs } ?? [] }
    }

    /// The retained messages, sorted by topic, with their remaining message expiry.
    public var retainedMessages: [MQTTPublishPacket] {
        get async { await withCore { $0.retainedMessages() } ?? [] }
    }

    /// The first non-`nil` result of `transform` over `stream`'s events, within `timeout`.
    private static func firstEvent<T: Sendable>(
        of stream: AsyncStream<Event>,
        timeout: Duration,
        what: String,
        _ transform: @escaping @Sendable (Event) -> T?
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                for await event in stream {
                    if let value = transform(event) { return value }
                }
                if Task.isCancelled { return nil }
                throw MQTTTestBrokerError(code: .shutDown, message: "the broker shut down while waiting for \(what)")
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
                break
            }
            throw MQTTTestBrokerError(code: .timeout, message: "timed out after \(timeout) waiting for \(what)")
        }
    }
}
