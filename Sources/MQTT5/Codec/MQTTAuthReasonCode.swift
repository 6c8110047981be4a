/// The reason code of a AUTH packet (MQTT 5 section 3.15.2.1).
///
/// Raw values are the spec's wire values. Codes of `0x80` and above are errors (``isError``).
public enum MQTTAuthReasonCode: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 0x00 Success.
    case success = 0x00
    /// 0x18 Continue authentication.
    case continueAuthentication = 0x18
    /// 0x19 Re-authenticate.
    case reAuthenticate = 0x19

    /// Whether the code reports a failure (raw value `0x80` or above).
    public var isError: Bool { rawValue >= 0x80 }

    /// The spec's name of the code followed by its hexadecimal value, e.g. `Protocol Error (0x82)`.
    public var description: String {
        let name: String =
            switch self {
            case .success: "Success"
            case .continueAuthentication: "Continue authentication"
            case .reAuthenticate: "Re-authenticate"
            }
        return "\(name) (0x\(hexByte(rawValue)))"
    }
}
