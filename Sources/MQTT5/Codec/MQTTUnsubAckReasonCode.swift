/// The reason code of a UNSUBACK packet (MQTT 5 section 3.11.3).
///
/// Raw values are the spec's wire values. Codes of `0x80` and above are errors (``isError``).
public enum MQTTUnsubAckReasonCode: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 0x00 Success.
    case success = 0x00
    /// 0x11 No subscription existed.
    case noSubscriptionExisted = 0x11
    /// 0x80 Unspecified error.
    case unspecifiedError = 0x80
    /// 0x83 Implementation specific error.
    case implementationSpecificError = 0x83
    /// 0x87 Not authorized.
    case notAuthorized = 0x87
    /// 0x8F Topic Filter invalid.
    case topicFilterInvalid = 0x8F
    /// 0x91 Packet Identifier in use.
    case packetIdentifierInUse = 0x91

    /// Whether the code reports a failure (raw value `0x80` or above).
    public var isError: Bool { rawValue >= 0x80 }

    /// The spec's name of the code followed by its hexadecimal value, e.g. `Protocol Error (0x82)`.
    public var description: String {
        let name: String =
            switch self {
            case .success: "Success"
            case .noSubscriptionExisted: "No subscription existed"
            case .unspecifiedError: "Unspecified error"
            case .implementationSpecificError: "Implementation specific error"
            case .notAuthorized: "Not authorized"
            case .topicFilterInvalid: "Topic Filter invalid"
            case .packetIdentifierInUse: "Packet Identifier in use"
            }
        return "\(name) (0x\(hexByte(rawValue)))"
    }
}
