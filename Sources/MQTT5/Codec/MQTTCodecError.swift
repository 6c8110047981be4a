/// Why a packet could not be decoded or encoded.
///
/// ``reasonCode`` is the reason code a DISCONNECT (or, while connecting, a CONNACK) should carry:
/// ``MQTTDisconnectReasonCode/malformedPacket`` (0x81), ``MQTTDisconnectReasonCode/protocolError``
/// (0x82), ``MQTTDisconnectReasonCode/packetTooLarge`` (0x95) and, for a Topic Alias of 0,
/// ``MQTTDisconnectReasonCode/topicAliasInvalid`` (0x94).
public struct MQTTCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The reason code to send in a DISCONNECT because of this error.
    public var reasonCode: MQTTDisconnectReasonCode
    /// A description of the problem for logs.
    public var message: String
    /// Set when a CONNECT declared a protocol level other than 4 or 5, so a server can answer with
    /// CONNACK 0x84 (MQTT 5) or return code 0x01 (MQTT 3.1.1) instead of just closing.
    public var unsupportedProtocolLevel: UInt8?

    /// Creates an error.
    public init(reasonCode: MQTTDisconnectReasonCode, message: String, unsupportedProtocolLevel: UInt8? = nil) {
        self.reasonCode = reasonCode
        self.message = message
        self.unsupportedProtocolLevel = unsupportedProtocolLevel
    }

    /// A Malformed Packet error (0x81).
    public static func malformedPacket(_ message: String) -> MQTTCodecError {
        MQTTCodecError(reasonCode: .malformedPacket, message: message)
    }

    /// A Protocol Error (0x82).
    public static func protocolError(_ message: String) -> MQTTCodecError {
        MQTTCodecError(reasonCode: .protocolError, message: message)
    }

    /// A Packet too large error (0x95).
    public static func packetTooLarge(_ message: String) -> MQTTCodecError {
        MQTTCodecError(reasonCode: .packetTooLarge, message: message)
    }

    /// `"<reason code>: <message>"`.
    public var description: String { "\(reasonCode): \(message)" }
}
