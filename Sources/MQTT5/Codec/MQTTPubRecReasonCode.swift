/// The reason code of a PUBREC packet (MQTT 5 section 3.5.2.1).
///
/// Raw values are the spec's wire values. Codes of `0x80` and above are errors (``isError``).
public enum MQTTPubRecReasonCode: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 0x00 Success.
    case success = 0x00
    /// 0x10 No matching subscribers.
    case noMatchingSubscribers = 0x10
    /// 0x80 Unspecified error.
    case unspecifiedError = 0x80
    /// 0x83 Implementation specific error.
    case implementationSpecificError = 0x83
    /// 0x87 Not authorized.
    case notAuthorized = 0x87
    /// 0x90 Topic Name invalid.
    case topicNameInvalid = 0x90
    /// 0x91 Packet Identifier in use.
    case packetIdentifierInUse = 0x91
    /// 0x97 Quota exceeded.
    case quotaExceeded = 0x97
    /// 0x99 Payload format invalid.
    case payloadFormatInvalid = 0x99

    /// Whether the code reports a failure (raw value `0x80` or above).
    public var isError: Bool { rawValue >= 0x80 }

    /// The spec's name of the code followed by its hexadecimal value, e.g. `Protocol Error (0x82)`.
    public var description: String {
        let name: String =
            switch self {
            case .success: "Success"
            case .noMatchingSubscribers: "No matching subscribers"
            case .unspecifiedError: "Unspecified error"
            case .implementationSpecificError: "Implementation specific error"
            case .notAuthorized: "Not authorized"
            case .topicNameInvalid: "Topic Name invalid"
            case .packetIdentifierInUse: "Packet Identifier in use"
            case .quotaExceeded: "Quota exceeded"
            case .payloadFormatInvalid: "Payload format invalid"
            }
        return "\(name) (0x\(hexByte(rawValue)))"
    }
}
