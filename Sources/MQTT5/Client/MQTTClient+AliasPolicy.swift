public import NIOCore

extension MQTTClient {
    /// Publishes a message with its own topic alias policy; otherwise as ``publish(_:)``.
    ///
    /// ```swift
    /// try await client.publish(reading, aliasPolicy: .ifAvailable)
    /// ```
    ///
    /// - Parameters:
    ///   - packet: The message.
    ///   - aliasPolicy: Whether this publish uses a topic alias (see ``MQTTTopicAliasPolicy``).
    /// - Returns: The acknowledgements of the flow.
    /// - Throws: ``MQTTError``, as ``publish(_:)``, and ``MQTTError/Code/topicAliasUnavailable``
    ///   when `aliasPolicy` is ``MQTTTopicAliasPolicy/always`` and no alias can be used.
    public func publish(
        _ packet: MQTTPublishPacket, aliasPolicy: MQTTTopicAliasPolicy
    ) async throws(MQTTError) -> MQTTPublishResult {
        let promise = eventLoop.makePromise(of: MQTTPublishResult.self)
        execute { core in core.submit(.publish(packet), token: .publish(promise), aliasPolicy: aliasPolicy) }
        return try await awaitCancellable(promise.futureResult)
    }

    /// Publishes `payload` to `topic` with its own topic alias policy; see ``publish(_:aliasPolicy:)``.
    ///
    /// - Parameters:
    ///   - topic: The topic name.
    ///   - payload: The payload.
    ///   - qos: The QoS.
    ///   - retain: Whether the broker retains the message.
    ///   - properties: PUBLISH properties (MQTT 5).
    ///   - aliasPolicy: Whether this publish uses a topic alias.
    /// - Returns: The acknowledgements of the flow.
    /// - Throws: ``MQTTError``, as ``publish(_:aliasPolicy:)``.
    @discardableResult
    public func publish(
        to topic: String,
        payload: ByteBuffer,
        qos: MQTTQoS = .atMostOnce,
        retain: Bool = false,
        properties: MQTTProperties = MQTTProperties(),
        aliasPolicy: MQTTTopicAliasPolicy
    ) async throws(MQTTError) -> MQTTPublishResult {
        try await publish(
            MQTTPublishPacket(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties),
            aliasPolicy: aliasPolicy)
    }
}
