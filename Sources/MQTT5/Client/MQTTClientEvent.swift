/// A lifecycle event of an ``MQTTClient``, in the order they happen.
///
/// A typical life: `attemptingConnect`, `connectionSuccess`, `disconnection` (the broker went
/// away), `attemptingConnect`, `connectionFailure` (still away), ..., `connectionSuccess`, and
/// after ``MQTTClient/stop(disconnect:)``: `disconnection`, `stopped`.
public enum MQTTClientEvent: Sendable {
    /// The client is opening a connection.
    case attemptingConnect
    /// The broker accepted the connection; its CONNACK and the settings in force (including
    /// ``MQTTNegotiatedSettings/endpoint``, the broker connected to).
    case connectionSuccess(MQTTConnAckPacket, MQTTNegotiatedSettings)
    /// The attempt failed: no transport, no CONNACK in time, or an error CONNACK (included when received).
    case connectionFailure(MQTTConnAckPacket?, MQTTError)
    /// An established connection ended: the broker's DISCONNECT if it sent one, and why it ended.
    case disconnection(MQTTDisconnectPacket?, MQTTError)
    /// The client stopped: after ``MQTTClient/stop(disconnect:)``, or by itself after a
    /// connection failure that retrying cannot heal (the error says which).
    case stopped(MQTTError?)
}
