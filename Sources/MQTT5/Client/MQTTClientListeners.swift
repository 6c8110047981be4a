/// Callbacks for an ``MQTTClient``, beside its `AsyncSequence`s (the older AWS IoT Python SDK's
/// `onOnline`, `onOffline` and `onMessage`; AWS CRT's lifecycle and publish-received callbacks).
///
/// Register them with ``MQTTClient/addListeners(_:)`` or for a scope with
/// ``MQTTClient/withListeners(_:isolation:_:)``. The callbacks of one registration are called by
/// one task of their own, in the order the client saw the events and messages, one at a time
/// (a callback never runs concurrently with another of the same registration), and never on the
/// client's event loop, so they may block briefly or call the client. Events and messages wait
/// in an unbounded buffer while a callback runs; keep callbacks short or hand work off.
///
/// ```swift
/// let registration = client.addListeners(
///     MQTTClientListeners(
///         onOnline: { settings in print("online, session present: \(settings.sessionPresent)") },
///         onOffline: { error in print("offline: \(error)") },
///         onMessage: { message in print("\(message.topic): \(message.payload.readableBytes) bytes") }
///     ))
/// ...
/// await registration.remove()
/// ```
public struct MQTTClientListeners: Sendable {
    /// Called with every lifecycle event (AWS CRT's lifecycle event callbacks), before the
    /// more specific ``onOnline`` or ``onOffline`` of the same event.
    public var onLifecycleEvent: (@Sendable (MQTTClientEvent) async -> Void)?
    /// Called when the broker accepted a connection (``MQTTClientEvent/connectionSuccess(_:_:)``),
    /// with the settings in force.
    public var onOnline: (@Sendable (MQTTNegotiatedSettings) async -> Void)?
    /// Called when an established connection ended (``MQTTClientEvent/disconnection(_:_:)``),
    /// with the reason.
    public var onOffline: (@Sendable (MQTTError) async -> Void)?
    /// Called with every incoming application message (topic aliases resolved), whatever
    /// subscription it matched.
    public var onMessage: (@Sendable (MQTTPublishPacket) async -> Void)?

    /// Creates a set of callbacks; leave out those you do not need.
    ///
    /// - Parameters:
    ///   - onLifecycleEvent: Called with every lifecycle event.
    ///   - onOnline: Called when a connection is accepted.
    ///   - onOffline: Called when an established connection ends.
    ///   - onMessage: Called with every incoming message.
    public init(
        onLifecycleEvent: (@Sendable (MQTTClientEvent) async -> Void)? = nil,
        onOnline: (@Sendable (MQTTNegotiatedSettings) async -> Void)? = nil,
        onOffline: (@Sendable (MQTTError) async -> Void)? = nil,
        onMessage: (@Sendable (MQTTPublishPacket) async -> Void)? = nil
    ) {
        self.onLifecycleEvent = onLifecycleEvent
        self.onOnline = onOnline
        self.onOffline = onOffline
        self.onMessage = onMessage
    }

    /// Calls the callbacks that take `item`, in order.
    func dispatch(_ item: MQTTListenerItem) async {
        switch item {
        case .event(let event):
            await onLifecycleEvent?(event)
            switch event {
            case .connectionSuccess(_, let settings): await onOnline?(settings)
            case .disconnection(_, let error): await onOffline?(error)
            case .attemptingConnect, .connectionFailure, .stopped: break
            }
        case .publish(let publish):
            await onMessage?(publish)
        }
    }
}

/// What the client hands to a listener registration, in the order it happens.
enum MQTTListenerItem: Sendable {
    case event(MQTTClientEvent)
    case publish(MQTTPublishPacket)
}
