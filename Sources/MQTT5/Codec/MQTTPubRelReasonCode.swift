/// The reason code of a PUBREL packet (MQTT 5 section 3.6.2.1).
///
/// Raw values are the spec's wire values. Codes of `0x80` and above are errors (``isError``).
public enum MQTTPubRelReasonCode: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 0x00 Success.
    case success = 0x00
    /// 0x92 Packet Identifier not found.
    case packetIdentifierNotFound = 0x92

    /// Whether the code reports a failure (raw value `0x80` or above).
    public var isError: Bool { rawValue >= 0x80 }

    /// The spec's name of the code followed by its hexadecimal value, e.g. `Protocol Error (0x82)`.
    public var description: String {
        let name: String =
            switch self {
            case .success: "Success"
            case .packetIdentifierNotFound: "Packet Identifier not found"
            }
        return "\(name) (0x\(hexByte(rawValue)))"
    }
}
