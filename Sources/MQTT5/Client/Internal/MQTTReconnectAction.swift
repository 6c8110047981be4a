import NIOCore

/// What ``MQTTReconnectStateMachine`` asks ``MQTTClientCore`` to do, in order.
enum MQTTReconnectAction {
    /// Open a transport for `attempt`, then report it with
    /// ``MQTTReconnectStateMachine/transportOpened(attempt:)`` or
    /// ``MQTTReconnectStateMachine/connectAttemptFailed(attempt:error:now:into:)``. Skipped when
    /// the attempt is no longer current (an event listener stopped the client).
    case connect(attempt: UInt64)
    /// Hand the event to the listeners and streams.
    case emit(MQTTClientEvent)
    /// The broker accepted the connection: publish the settings, emit
    /// ``MQTTClientEvent/connectionSuccess(_:_:)`` and complete the connection waiters.
    case connectionSucceeded(MQTTConnAckPacket, MQTTNegotiatedSettings)
    /// Call ``MQTTReconnectStateMachine/reconnectTimerFired(after:into:)`` with `attempt` at
    /// `deadline` (`delay` from now, for the log).
    case scheduleReconnect(after: UInt64, deadline: NIODeadline, delay: Duration)
    /// Cancel the reconnect timer.
    case cancelReconnect
    /// A stop was asked for while a transport is open: send the DISCONNECT (when connected) and
    /// close; ``MQTTReconnectStateMachine/connectionClosed(error:connAck:disconnect:now:into:)`` follows.
    case disconnect(MQTTDisconnectPacket)
    /// A stop still closing its connection was superseded by a start: its callers return now.
    case succeedStopWaiters
    /// The client stopped (after a stop, or by itself with the failure that retrying cannot heal):
    /// fail every operation and connection waiter, emit ``MQTTClientEvent/stopped(_:)`` and
    /// complete the stop waiters.
    case stopped(MQTTError?)
}
