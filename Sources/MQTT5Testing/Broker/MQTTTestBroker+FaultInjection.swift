public import MQTT5
public import NIOCore
import Synchronization

extension MQTTTestBroker {
    /// The faults currently injected; see ``Faults``.
    ///
    /// Each assignment replaces the whole value under a lock; to change several hooks at once
    /// atomically, use ``updateFaults(_:)``.
    ///
    /// ```swift
    /// broker.faults.ackFault = { _, ack in ack.packetType == .pubAck ? .drop : .send }
    /// ```
    public var faults: Faults {
        get { shared.faults.withLock { $0 } }
        set { shared.faults.withLock { $0 = newValue } }
    }

    /// Changes the faults atomically.
    ///
    /// - Parameter body: Changes the current faults in place.
    public func updateFaults(_ body: (inout Faults) -> Void) {
        shared.faults.withLock { body(&$0) }
    }

    /// Removes every fault.
    public func resetFaults() {
        faults = Faults()
    }

    /// What the broker advertises and enforces; changes apply to connections accepted afterwards.
    public var capabilities: Capabilities {
        get { shared.capabilities.withLock { $0 } }
        set { shared.capabilities.withLock { $0 = newValue } }
    }

    /// Rejects every subscription whose filter (as sent, including any `$share/<name>/` prefix)
    /// satisfies `predicate`, by setting ``Faults/subscribeResult``.
    ///
    /// - Parameters:
    ///   - predicate: Chooses the filters to reject.
    ///   - reasonCode: The SUBACK reason code for them; MQTT 3.1.1 clients see 0x80.
    public func rejectSubscriptions(
        matching predicate: @escaping @Sendable (_ topicFilter: String) -> Bool,
        with reasonCode: MQTTSubAckReasonCode = .notAuthorized
    ) {
        updateFaults { faults in
            faults.subscribeResult = { _, subscription in
                predicate(subscription.topicFilter) ? reasonCode : nil
            }
        }
    }

    /// Drops every acknowledgement of the given types, by setting ``Faults/ackFault``.
    ///
    /// - Parameters:
    ///   - types: The packet types to drop, among PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK,
    ///     UNSUBACK and PINGRESP.
    ///   - clientID: Only for this client; `nil` for all.
    public func dropAcks(_ types: Set<MQTTPacketType>, clientID: String? = nil) {
        setOutboundFault(.drop, for: types, clientID: clientID)
    }

    /// Delays every acknowledgement of the given types, by setting ``Faults/ackFault``.
    ///
    /// - Parameters:
    ///   - types: The packet types to delay, among PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK,
    ///     UNSUBACK and PINGRESP.
    ///   - delay: How long to hold each one.
    ///   - clientID: Only for this client; `nil` for all.
    public func delayAcks(_ types: Set<MQTTPacketType>, by delay: Duration, clientID: String? = nil) {
        setOutboundFault(.delay(delay), for: types, clientID: clientID)
    }

    private func setOutboundFault(_ fault: OutboundFault, for types: Set<MQTTPacketType>, clientID: String?) {
        updateFaults { faults in
            faults.ackFault = { client, ack in
                guard types.contains(ack.packetType), clientID == nil || client == clientID else { return .send }
                return fault
            }
        }
    }

    /// Closes a client's connection at once, without DISCONNECT, as a network failure would.
    /// The client's will is published.
    ///
    /// - Parameter clientID: The client identifier.
    /// - Returns: Whether the client had an open connection.
    @discardableResult
    public func dropConnection(clientID: String) async -> Bool {
        await withCore { $0.dropConnection(clientID: clientID) } ?? false
    }

    /// Sends a server DISCONNECT to a connected MQTT 5 client and closes its connection (an
    /// MQTT 3.1.1 client, which has no server DISCONNECT, is just disconnected). The client's
    /// will is published.
    ///
    /// - Parameters:
    ///   - clientID: The client identifier.
    ///   - reasonCode: The DISCONNECT reason code, for example
    ///     `.serverShuttingDown` or `.useAnotherServer`.
    ///   - reasonString: A Reason String property.
    ///   - serverReference: A Server Reference property.
    ///   - userProperties: User properties.
    /// - Returns: Whether the client had an open connection.
    @discardableResult
    public func sendDisconnect(
        clientID: String,
        reasonCode: MQTTDisconnectReasonCode,
        reasonString: String? = nil,
        serverReference: String? = nil,
        userProperties: [MQTTUserProperty] = []
    ) async -> Bool {
        await withCore {
            $0.sendDisconnect(
                clientID: clientID,
                reasonCode: reasonCode,
                reasonString: reasonString,
                serverReference: serverReference,
                userProperties: userProperties
            )
        } ?? false
    }

    /// Writes bytes to a client's connection as they are, bypassing the encoder (for malformed
    /// or unexpected packets).
    ///
    /// - Parameters:
    ///   - clientID: The client identifier.
    ///   - bytes: The bytes to write.
    /// - Returns: Whether the client had an open connection.
    @discardableResult
    public func sendRaw(clientID: String, bytes: ByteBuffer) async -> Bool {
        await withCore { $0.sendRaw(clientID: clientID, bytes: bytes) } ?? false
    }

    /// Sends any packet to a client, outside the broker's protocol logic (an unsolicited PUBACK,
    /// a PUBLISH with a chosen packet identifier...). It appears in the packet log.
    ///
    /// - Parameters:
    ///   - packet: The packet, encoded in the client's protocol version.
    ///   - clientID: The client identifier.
    /// - Returns: Whether the client had an open connection.
    @discardableResult
    public func send(_ packet: MQTTPacket, to clientID: String) async -> Bool {
        await withCore { $0.sendPacket(packet, clientID: clientID) } ?? false
    }

    /// Publishes a message as the broker itself, routed to subscribers like a client's
    /// (retained if `retain`; No Local does not apply).
    ///
    /// - Parameters:
    ///   - topic: The topic name.
    ///   - payload: The payload.
    ///   - qos: The QoS of the message; each subscriber gets at most its subscription's QoS.
    ///   - retain: Whether to store (or, with an empty payload, clear) the retained message.
    ///   - properties: PUBLISH properties forwarded to subscribers (content type, response topic,
    ///     correlation data, user properties, message expiry...).
    /// - Throws: `MQTTTopicError` when `topic` is not a valid topic name.
    public func publish(
        topic: String,
        payload: ByteBuffer,
        qos: MQTTQoS = .atMostOnce,
        retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) async throws {
        let packet = MQTTPublishPacket(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
        let result: Result<Void, MQTTTopicError>? = await withCore { core in
            do throws(MQTTTopicError) {
                try core.publishFromBroker(packet)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result?.get()
    }
}
