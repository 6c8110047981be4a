public import NIOCore

extension MQTTClient {
    /// Publishes a message and waits for the end of its message flow.
    ///
    /// QoS 0 completes once handed to the connection (while connected and within
    /// ``Configuration/qos0WriteBehindLimit``, without waiting for the event loop to take it);
    /// QoS 1 with the PUBACK; QoS 2 with PUBREC and PUBCOMP. A negative acknowledgement is returned, not thrown (see
    /// ``MQTTPublishResult/isSuccess``). While disconnected the publish is queued or rejected per
    /// ``Configuration/offlineQueue``; QoS 1 and 2 publishes wait for the broker's Receive Maximum.
    ///
    /// - Parameter packet: The message; its packet identifier and DUP flag are set by the client,
    ///   its topic alias is used only with ``MQTTTopicAliasing/Outbound/manual``.
    /// - Returns: The acknowledgements of the flow.
    /// - Throws: ``MQTTError``: ``MQTTError/Code/invalidArgument`` (bad topic or properties),
    ///   ``MQTTError/Code/packetTooLarge``, ``MQTTError/Code/notSupportedByServer`` (QoS above the
    ///   broker's maximum, retain unavailable), ``MQTTError/Code/offline``,
    ///   ``MQTTError/Code/queueFull``, ``MQTTError/Code/ackTimeout``, ``MQTTError/Code/sessionLost``,
    ///   ``MQTTError/Code/clientStopped`` or ``MQTTError/Code/cancelled``.
    public func publish(_ packet: MQTTPublishPacket) async throws(MQTTError) -> MQTTPublishResult {
        if packet.qos == .atMostOnce, let result = try publishWriteBehind(packet) { return result }
        let promise = eventLoop.makePromise(of: MQTTPublishResult.self)
        execute { core in core.submit(.publish(packet), token: .publish(promise)) }
        return try await awaitCancellable(promise.futureResult)
    }

    /// Publishes `payload` to `topic`; see ``publish(_:)``.
    ///
    /// - Parameters:
    ///   - topic: The topic name.
    ///   - payload: The payload.
    ///   - qos: The QoS.
    ///   - retain: Whether the broker retains the message.
    ///   - properties: PUBLISH properties (MQTT 5).
    /// - Returns: The acknowledgements of the flow.
    /// - Throws: ``MQTTError``, as ``publish(_:)``.
    @discardableResult
    public func publish(
        to topic: String,
        payload: ByteBuffer,
        qos: MQTTQoS = .atMostOnce,
        retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) async throws(MQTTError) -> MQTTPublishResult {
        try await publish(
            MQTTPublishPacket(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties))
    }

    /// Subscribes and returns the SUBACK, with one reason code per subscription (granted QoS or error).
    ///
    /// - Parameters:
    ///   - subscriptions: The topic filters and their options.
    ///   - properties: SUBSCRIBE properties (MQTT 5): a subscription identifier, user properties.
    /// - Returns: The broker's SUBACK.
    /// - Throws: ``MQTTError`` when no SUBACK could be obtained (invalid filter, feature the broker
    ///   lacks, offline policy, timeout, stop, cancellation).
    @discardableResult
    public func subscribe(
        _ subscriptions: [MQTTSubscription], properties: MQTTProperties = MQTTProperties()
    ) async throws(MQTTError) -> MQTTSubAckPacket {
        let promise = eventLoop.makePromise(of: MQTTSubAckPacket.self)
        let packet = MQTTSubscribePacket(packetIdentifier: 1, subscriptions: subscriptions, properties: properties)
        execute { core in core.submit(.subscribe(packet), token: .subscribe(promise)) }
        return try await awaitCancellable(promise.futureResult)
    }

    /// Subscribes to one topic filter; see ``subscribe(_:properties:)``.
    ///
    /// - Parameters:
    ///   - topicFilter: The filter (wildcards and `$share/<group>/` allowed).
    ///   - qos: The maximum QoS to receive with.
    /// - Returns: The broker's SUBACK.
    /// - Throws: ``MQTTError``, as ``subscribe(_:properties:)``.
    @discardableResult
    public func subscribe(
        to topicFilter: String, qos: MQTTQoS = .atLeastOnce
    ) async throws(MQTTError) -> MQTTSubAckPacket {
        try await subscribe([MQTTSubscription(topicFilter: topicFilter, qos: qos)])
    }

    /// Unsubscribes and returns the UNSUBACK (per-filter reason codes in MQTT 5; none in 3.1.1).
    ///
    /// - Parameters:
    ///   - topicFilters: The filters to remove.
    ///   - properties: UNSUBSCRIBE properties (MQTT 5): user properties.
    /// - Returns: The broker's UNSUBACK.
    /// - Throws: ``MQTTError`` when no UNSUBACK could be obtained.
    @discardableResult
    public func unsubscribe(
        _ topicFilters: [String], properties: MQTTProperties = MQTTProperties()
    ) async throws(MQTTError) -> MQTTUnsubAckPacket {
        let promise = eventLoop.makePromise(of: MQTTUnsubAckPacket.self)
        let packet = MQTTUnsubscribePacket(packetIdentifier: 1, topicFilters: topicFilters, properties: properties)
        execute { core in core.submit(.unsubscribe(packet), token: .unsubscribe(promise)) }
        return try await awaitCancellable(promise.futureResult)
    }

    /// Re-authenticates (MQTT 5 enhanced authentication): sends `packet` and returns the broker's
    /// final AUTH (success). Intermediate challenges go to ``Configuration/authenticationHandler``.
    ///
    /// - Parameter packet: The AUTH to send, normally with reason code
    ///   ``MQTTAuthReasonCode/reAuthenticate``, the configured method and new data.
    /// - Returns: The broker's AUTH with reason code ``MQTTAuthReasonCode/success``.
    /// - Throws: ``MQTTError``: not connected, no authentication method configured, or the broker
    ///   disconnected (``MQTTError/Code/serverDisconnected`` with its reason code).
    public func auth(_ packet: MQTTAuthPacket) async throws(MQTTError) -> MQTTAuthPacket {
        let promise = eventLoop.makePromise(of: MQTTAuthPacket.self)
        execute { core in core.reauthenticate(packet, promise: promise) }
        return try await awaitCancellable(promise.futureResult)
    }

    /// Awaits an operation's future; cancelling the task fails the operation with
    /// ``MQTTError/Code/cancelled`` (a queued operation is dropped; a sent one finishes its flow unobserved).
    func awaitCancellable<Value: Sendable>(_ future: EventLoopFuture<Value>) async throws(MQTTError) -> Value {
        let identity = ObjectIdentifier(future)
        return try await awaitOnLoop(future, what: "the operation") { core in core.cancel(identity) }
    }
}
