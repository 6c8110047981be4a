/// The reason code of a CONNACK packet (MQTT 5 section 3.2.2.2).
///
/// Raw values are the spec's wire values. Codes of `0x80` and above are errors (``isError``).
///
/// MQTT 3.1.1 CONNACK return codes 1 to 5 map to ``unsupportedProtocolVersion``,
/// ``clientIdentifierNotValid``, ``serverUnavailable``, ``badUserNameOrPassword`` and ``notAuthorized``.
public enum MQTTConnectReasonCode: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 0x00 Success.
    case success = 0x00
    /// 0x80 Unspecified error.
    case unspecifiedError = 0x80
    /// 0x81 Malformed Packet.
    case malformedPacket = 0x81
    /// 0x82 Protocol Error.
    case protocolError = 0x82
    /// 0x83 Implementation specific error.
    case implementationSpecificError = 0x83
    /// 0x84 Unsupported Protocol Version.
    case unsupportedProtocolVersion = 0x84
    /// 0x85 Client Identifier not valid.
    case clientIdentifierNotValid = 0x85
    /// 0x86 Bad User Name or Password.
    case badUserNameOrPassword = 0x86
    /// 0x87 Not authorized.
    case notAuthorized = 0x87
    /// 0x88 Server unavailable.
    case serverUnavailable = 0x88
    /// 0x89 Server busy.
    case serverBusy = 0x89
    /// 0x8A Banned.
    case banned = 0x8A
    /// 0x8C Bad authentication method.
    case badAuthenticationMethod = 0x8C
    /// 0x90 Topic Name invalid.
    case topicNameInvalid = 0x90
    /// 0x95 Packet too large.
    case packetTooLarge = 0x95
    /// 0x97 Quota exceeded.
    case quotaExceeded = 0x97
    /// 0x99 Payload format invalid.
    case payloadFormatInvalid = 0x99
    /// 0x9A Retain not supported.
    case retainNotSupported = 0x9A
    /// 0x9B QoS not supported.
    case qosNotSupported = 0x9B
    /// 0x9C Use another server.
    case useAnotherServer = 0x9C
    /// 0x9D Server moved.
    case serverMoved = 0x9D
    /// 0x9F Connection rate exceeded.
    case connectionRateExceeded = 0x9F

    /// Whether the code reports a failure (raw value `0x80` or above).
    public var isError: Bool { rawValue >= 0x80 }

    /// The spec's name of the code followed by its hexadecimal value, e.g. `Protocol Error (0x82)`.
    public var description: String {
        let name: String =
            switch self {
            case .success: "Success"
            case .unspecifiedError: "Unspecified error"
            case .malformedPacket: "Malformed Packet"
            case .protocolError: "Protocol Error"
            case .implementationSpecificError: "Implementation specific error"
            case .unsupportedProtocolVersion: "Unsupported Protocol Version"
            case .clientIdentifierNotValid: "Client Identifier not valid"
            case .badUserNameOrPassword: "Bad User Name or Password"
            case .notAuthorized: "Not authorized"
            case .serverUnavailable: "Server unavailable"
            case .serverBusy: "Server busy"
            case .banned: "Banned"
            case .badAuthenticationMethod: "Bad authentication method"
            case .topicNameInvalid: "Topic Name invalid"
            case .packetTooLarge: "Packet too large"
            case .quotaExceeded: "Quota exceeded"
            case .payloadFormatInvalid: "Payload format invalid"
            case .retainNotSupported: "Retain not supported"
            case .qosNotSupported: "QoS not supported"
            case .useAnotherServer: "Use another server"
            case .serverMoved: "Server moved"
            case .connectionRateExceeded: "Connection rate exceeded"
            }
        return "\(name) (0x\(hexByte(rawValue)))"
    }
}
