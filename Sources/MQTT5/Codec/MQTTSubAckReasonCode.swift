/// The reason code of a SUBACK packet (MQTT 5 section 3.9.3).
///
/// Raw values are the spec's wire values. Codes of `0x80` and above are errors (``isError``).
///
/// The MQTT 3.1.1 failure return code `0x80` maps to ``unspecifiedError``.
public enum MQTTSubAckReasonCode: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 0x00 Granted QoS 0.
    case grantedQoS0 = 0x00
    /// 0x01 Granted QoS 1.
    case grantedQoS1 = 0x01
    /// 0x02 Granted QoS 2.
    case grantedQoS2 = 0x02
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
    /// 0x97 Quota exceeded.
    case quotaExceeded = 0x97
    /// 0x9E Shared Subscriptions not supported.
    case sharedSubscriptionsNotSupported = 0x9E
    /// 0xA1 Subscription Identifiers not supported.
    case subscriptionIdentifiersNotSupported = 0xA1
    /// 0xA2 Wildcard Subscriptions not supported.
    case wildcardSubscriptionsNotSupported = 0xA2

    /// Whether the code reports a failure (raw value `0x80` or above).
    public var isError: Bool { rawValue >= 0x80 }

    /// The spec's name of the code followed by its hexadecimal value, e.g. `Protocol Error (0x82)`.
    public var description: String {
        let name: String =
            switch self {
            case .grantedQoS0: "Granted QoS 0"
            case .grantedQoS1: "Granted QoS 1"
            case .grantedQoS2: "Granted QoS 2"
            case .unspecifiedError: "Unspecified error"
            case .implementationSpecificError: "Implementation specific error"
            case .notAuthorized: "Not authorized"
            case .topicFilterInvalid: "Topic Filter invalid"
            case .packetIdentifierInUse: "Packet Identifier in use"
            case .quotaExceeded: "Quota exceeded"
            case .sharedSubscriptionsNotSupported: "Shared Subscriptions not supported"
            case .subscriptionIdentifiersNotSupported: "Subscription Identifiers not supported"
            case .wildcardSubscriptionsNotSupported: "Wildcard Subscriptions not supported"
            }
        return "\(name) (0x\(hexByte(rawValue)))"
    }
}
