/// A reason code received from the broker, tagged with the packet type it came in.
public enum MQTTReasonCode: Hashable, Sendable, CustomStringConvertible {
    /// From a CONNACK.
    case connAck(MQTTConnectReasonCode)
    /// From a DISCONNECT.
    case disconnect(MQTTDisconnectReasonCode)
    /// From an AUTH.
    case auth(MQTTAuthReasonCode)
    /// From a PUBACK.
    case pubAck(MQTTPubAckReasonCode)
    /// From a PUBREC.
    case pubRec(MQTTPubRecReasonCode)
    /// From a PUBCOMP.
    case pubComp(MQTTPubCompReasonCode)
    /// From a SUBACK.
    case subAck(MQTTSubAckReasonCode)
    /// From an UNSUBACK.
    case unsubAck(MQTTUnsubAckReasonCode)

    /// The wire value of the code.
    public var rawValue: UInt8 {
        switch self {
        case .connAck(let code): code.rawValue
        case .disconnect(let code): code.rawValue
        case .auth(let code): code.rawValue
        case .pubAck(let code): code.rawValue
        case .pubRec(let code): code.rawValue
        case .pubComp(let code): code.rawValue
        case .subAck(let code): code.rawValue
        case .unsubAck(let code): code.rawValue
        }
    }

    /// Whether the code reports a failure (raw value `0x80` or above).
    public var isError: Bool { rawValue >= 0x80 }

    /// The packet name and the code, e.g. `CONNACK Not authorized (0x87)`.
    public var description: String {
        switch self {
        case .connAck(let code): "CONNACK \(code)"
        case .disconnect(let code): "DISCONNECT \(code)"
        case .auth(let code): "AUTH \(code)"
        case .pubAck(let code): "PUBACK \(code)"
        case .pubRec(let code): "PUBREC \(code)"
        case .pubComp(let code): "PUBCOMP \(code)"
        case .subAck(let code): "SUBACK \(code)"
        case .unsubAck(let code): "UNSUBACK \(code)"
        }
    }
}
