/// What ``MQTTConnectionStateMachine`` asks its driver to do, in order.
enum MQTTConnectionAction<Token> {
    /// Write the packet (the driver flushes once the event has been handled).
    case send(MQTTPacket)
    /// Hand an incoming application message to the listeners. A QoS 1 or 2 message carries the
    /// identifier of its pending acknowledgement: unless a listener defers it, the driver calls
    /// ``MQTTConnectionStateMachine/acknowledge(_:now:into:)`` with it once delivered.
    case deliver(MQTTPublishPacket, acknowledgement: MQTTInboundAcknowledgementID?)
    /// Complete a publish.
    case succeedPublish(Token, MQTTPublishResult)
    /// Complete a subscribe.
    case succeedSubscribe(Token, MQTTSubAckPacket)
    /// Complete an unsubscribe.
    case succeedUnsubscribe(Token, MQTTUnsubAckPacket)
    /// Complete a re-authentication with the broker's final AUTH.
    case succeedAuth(Token, MQTTAuthPacket)
    /// Fail an operation.
    case fail(Token, MQTTError)
    /// The broker accepted the connection.
    case connected(MQTTConnAckPacket, MQTTNegotiatedSettings)
    /// The broker continues enhanced authentication: answer with
    /// ``MQTTConnectionStateMachine/sendAuth(_:now:into:)``.
    case authenticate(MQTTAuthPacket)
    /// Close the connection; ``MQTTConnectionStateMachine/connectionClosed(now:into:)`` reports why.
    case close
}
