package import NIOCore

extension MQTTClient {
    // The hot path for layers built on the client (request-response): everything is called on
    // `eventLoop`, futures complete there and listeners are invoked there, without hops.

    /// Publishes (on ``eventLoop``); the future completes on ``eventLoop``. See ``publish(_:)``.
    ///
    /// - Parameter packet: The message; its packet identifier is ignored.
    /// - Returns: A future of the flow's acknowledgements, failed with ``MQTTError``.
    package func publish(_ packet: MQTTPublishPacket) -> EventLoopFuture<MQTTPublishResult> {
        let promise = eventLoop.makePromise(of: MQTTPublishResult.self)
        execute { core in core.submit(.publish(packet), token: .publish(promise)) }
        return promise.futureResult
    }

    /// Publishes (on ``eventLoop``) and calls `completion` on ``eventLoop`` with the outcome:
    /// the future-returning `publish(_:)` above, without a promise or a future to chain on.
    ///
    /// - Parameters:
    ///   - packet: The message; its packet identifier is ignored.
    ///   - completion: Called exactly once, on ``eventLoop``, with the flow's acknowledgements or
    ///     the ``MQTTError`` that ended it.
    package func publish(
        _ packet: MQTTPublishPacket, completion: @escaping @Sendable (Result<MQTTPublishResult, MQTTError>) -> Void
    ) {
        if eventLoop.inEventLoop {
            core.submit(.publish(packet), token: .publishCallback(completion))
        } else {
            execute { core in core.submit(.publish(packet), token: .publishCallback(completion)) }
        }
    }

    /// Subscribes (on ``eventLoop``); the future completes on ``eventLoop``.
    ///
    /// - Parameters:
    ///   - subscriptions: The filters and options.
    ///   - properties: SUBSCRIBE properties.
    /// - Returns: A future of the SUBACK, failed with ``MQTTError``.
    package func subscribe(
        _ subscriptions: [MQTTSubscription], properties: MQTTProperties
    ) -> EventLoopFuture<MQTTSubAckPacket> {
        let promise = eventLoop.makePromise(of: MQTTSubAckPacket.self)
        let packet = MQTTSubscribePacket(packetIdentifier: 1, subscriptions: subscriptions, properties: properties)
        execute { core in core.submit(.subscribe(packet), token: .subscribe(promise)) }
        return promise.futureResult
    }

    /// Unsubscribes (on ``eventLoop``); the future completes on ``eventLoop``.
    ///
    /// - Parameters:
    ///   - filters: The filters.
    ///   - properties: UNSUBSCRIBE properties.
    /// - Returns: A future of the UNSUBACK, failed with ``MQTTError``.
    package func unsubscribe(_ filters: [String], properties: MQTTProperties) -> EventLoopFuture<MQTTUnsubAckPacket> {
        let promise = eventLoop.makePromise(of: MQTTUnsubAckPacket.self)
        let packet = MQTTUnsubscribePacket(packetIdentifier: 1, topicFilters: filters, properties: properties)
        execute { core in core.submit(.unsubscribe(packet), token: .unsubscribe(promise)) }
        return promise.futureResult
    }

    /// Registers a lifecycle listener, invoked on ``eventLoop`` before the public event streams.
    /// Must be called on ``eventLoop``.
    ///
    /// - Parameter body: Called with every event until removed.
    /// - Returns: The identifier for ``removeListener(_:)``.
    package func addEventListener(_ body: @escaping (MQTTClientEvent) -> Void) -> MQTTListenerID {
        eventLoop.preconditionInEventLoop()
        return core.addEventListener(body)
    }

    /// Registers an incoming-publish listener, invoked on ``eventLoop`` before the public
    /// publish streams. Must be called on ``eventLoop``.
    ///
    /// - Parameter body: Called with every incoming PUBLISH until removed.
    /// - Returns: The identifier for ``removeListener(_:)``.
    package func addPublishListener(_ body: @escaping (MQTTPublishPacket) -> Void) -> MQTTListenerID {
        eventLoop.preconditionInEventLoop()
        return core.addPublishListener(body)
    }

    /// Removes a listener; it is not called afterwards. Must be called on ``eventLoop``.
    ///
    /// - Parameter id: What an `add…Listener` call returned.
    package func removeListener(_ id: MQTTListenerID) {
        eventLoop.preconditionInEventLoop()
        core.removeListener(id)
    }

    /// Whether a CONNACK accepted the current connection (read on ``eventLoop``).
    package var isConnectedOnEventLoop: Bool {
        eventLoop.preconditionInEventLoop()
        return core.machine.isConnected
    }
}
