/// The reason code of a DISCONNECT packet (MQTT 5 section 3.14.2.1).
///
/// Raw values are the spec's wire values. Codes of `0x80` and above are errors (``isError``).
public enum MQTTDisconnectReasonCode: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// 0x00 Normal disconnection.
    case normalDisconnection = 0x00
    /// 0x04 Disconnect with Will Message.
    case disconnectWithWillMessage = 0x04
    /// 0x80 Unspecified error.
    case unspecifiedError = 0x80
    /// 0x81 Malformed Packet.
    case malformedPacket = 0x81
    /// 0x82 Protocol Error.
    case protocolError = 0x82
    /// 0x83 Implementation specific error.
    case implementationSpecificError = 0x83
    /// 0x87 Not authorized.
    case notAuthorized = 0x87
    /// 0x89 Server busy.
    case serverBusy = 0x89
    /// 0x8B Server shutting down.
    case serverShuttingDown = 0x8B
    /// 0x8D Keep Alive timeout.
    case keepAliveTimeout = 0x8D
    /// 0x8E Session taken over.
    case sessionTakenOver = 0x8E
    /// 0x8F Topic Filter invalid.
    case topicFilterInvalid = 0x8F
    /// 0x90 Topic Name invalid.
    case topicNameInvalid = 0x90
    /// 0x93 Receive Maximum exceeded.
    case receiveMaximumExceeded = 0x93
    /// 0x94 Topic Alias invalid.
    case topicAliasInvalid = 0x94
    /// 0x95 Packet too large.
    case packetTooLarge = 0x95
    /// 0x96 Message rate too high.
    case messageRateTooHigh = 0x96
    /// 0x97 Quota exceeded.
    case quotaExceeded = 0x97
    /// 0x98 Administrative action.
    case administrativeAction = 0x98
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
    /// 0x9E Shared Subscriptions not supported.
    case sharedSubscriptionsNotSupported = 0x9E
    /// 0x9F Connection rate exceeded.
    case connectionRateExceeded = 0x9F
    /// 0xA0 Maximum connect time.
    case maximumConnectTime = 0xA0
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
            case .normalDisconnection: "Normal disconnection"
            case .disconnectWithWillMessage: "Disconnect with Will Message"
            case .unspecifiedError: "Unspecified error"
            case .malformedPacket: "Malformed Packet"
            case .protocolError: "Protocol Error"
            case .implementationSpecificError: "Implementation specific error"
            case .notAuthorized: "Not authorized"
            case .serverBusy: "Server busy"
            case .serverShuttingDown: "Server shutting down"
            case .keepAliveTimeout: "Keep Alive timeout"
            case .sessionTakenOver: "Session taken over"
            case .topicFilterInvalid: "Topic Filter invalid"
            case .topicNameInvalid: "Topic Name invalid"
            case .receiveMaximumExceeded: "Receive Maximum exceeded"
            case .topicAliasInvalid: "Topic Alias invalid"
            case .packetTooLarge: "Packet too large"
            case .messageRateTooHigh: "Message rate too high"
            case .quotaExceeded: "Quota exceeded"
            case .administrativeAction: "Administrative action"
            case .payloadFormatInvalid: "Payload format invalid"
            case .retainNotSupported: "Retain not supported"
            case .qosNotSupported: "QoS not supported"
            case .useAnotherServer: "Use another server"
            case .serverMoved: "Server moved"
            case .sharedSubscriptionsNotSupported: "Shared Subscriptions not supported"
            case .connectionRateExceeded: "Connection rate exceeded"
            case .maximumConnectTime: "Maximum connect time"
            case .subscriptionIdentifiersNotSupported: "Subscription Identifiers not supported"
            case .wildcardSubscriptionsNotSupported: "Wildcard Subscriptions not supported"
            }
        return "\(name) (0x\(hexByte(rawValue)))"
    }
}
