/// The property identifiers of MQTT 5 (table 2.2.2.2), with where each may appear.
enum MQTTPropertyIdentifier: UInt8, CustomStringConvertible {
    case payloadFormatIndicator = 0x01
    case messageExpiryInterval = 0x02
    case contentType = 0x03
    case responseTopic = 0x08
    case correlationData = 0x09
    case subscriptionIdentifier = 0x0B
    case sessionExpiryInterval = 0x11
    case assignedClientIdentifier = 0x12
    case serverKeepAlive = 0x13
    case authenticationMethod = 0x15
    case authenticationData = 0x16
    case requestProblemInformation = 0x17
    case willDelayInterval = 0x18
    case requestResponseInformation = 0x19
    case responseInformation = 0x1A
    case serverReference = 0x1C
    case reasonString = 0x1F
    case receiveMaximum = 0x21
    case topicAliasMaximum = 0x22
    case topicAlias = 0x23
    case maximumQoS = 0x24
    case retainAvailable = 0x25
    case userProperty = 0x26
    case maximumPacketSize = 0x27
    case wildcardSubscriptionAvailable = 0x28
    case subscriptionIdentifiersAvailable = 0x29
    case sharedSubscriptionAvailable = 0x2A

    /// The packets (and will properties) that may carry the property.
    var allowedIn: MQTTPropertyContexts {
        switch self {
        case .payloadFormatIndicator, .messageExpiryInterval, .contentType, .responseTopic, .correlationData:
            MQTTPropertyContexts(.publish, .will)
        case .subscriptionIdentifier: MQTTPropertyContexts(.publish, .subscribe)
        case .sessionExpiryInterval: MQTTPropertyContexts(.connect, .connAck, .disconnect)
        case .assignedClientIdentifier, .serverKeepAlive, .responseInformation, .maximumQoS, .retainAvailable,
            .wildcardSubscriptionAvailable, .subscriptionIdentifiersAvailable, .sharedSubscriptionAvailable:
            MQTTPropertyContexts(.connAck)
        case .authenticationMethod, .authenticationData: MQTTPropertyContexts(.connect, .connAck, .auth)
        case .requestProblemInformation, .requestResponseInformation: MQTTPropertyContexts(.connect)
        case .willDelayInterval: MQTTPropertyContexts(.will)
        case .serverReference: MQTTPropertyContexts(.connAck, .disconnect)
        case .reasonString:
            MQTTPropertyContexts(.connAck, .pubAck, .pubRec, .pubRel, .pubComp, .subAck, .unsubAck, .disconnect, .auth)
        case .receiveMaximum, .topicAliasMaximum, .maximumPacketSize: MQTTPropertyContexts(.connect, .connAck)
        case .topicAlias: MQTTPropertyContexts(.publish)
        case .userProperty: MQTTPropertyContexts.all
        }
    }

    /// The spec's name and identifier, e.g. `Topic Alias (0x23)`.
    var description: String {
        let name: String =
            switch self {
            case .payloadFormatIndicator: "Payload Format Indicator"
            case .messageExpiryInterval: "Message Expiry Interval"
            case .contentType: "Content Type"
            case .responseTopic: "Response Topic"
            case .correlationData: "Correlation Data"
            case .subscriptionIdentifier: "Subscription Identifier"
            case .sessionExpiryInterval: "Session Expiry Interval"
            case .assignedClientIdentifier: "Assigned Client Identifier"
            case .serverKeepAlive: "Server Keep Alive"
            case .authenticationMethod: "Authentication Method"
            case .authenticationData: "Authentication Data"
            case .requestProblemInformation: "Request Problem Information"
            case .willDelayInterval: "Will Delay Interval"
            case .requestResponseInformation: "Request Response Information"
            case .responseInformation: "Response Information"
            case .serverReference: "Server Reference"
            case .reasonString: "Reason String"
            case .receiveMaximum: "Receive Maximum"
            case .topicAliasMaximum: "Topic Alias Maximum"
            case .topicAlias: "Topic Alias"
            case .maximumQoS: "Maximum QoS"
            case .retainAvailable: "Retain Available"
            case .userProperty: "User Property"
            case .maximumPacketSize: "Maximum Packet Size"
            case .wildcardSubscriptionAvailable: "Wildcard Subscription Available"
            case .subscriptionIdentifiersAvailable: "Subscription Identifier Available"
            case .sharedSubscriptionAvailable: "Shared Subscription Available"
            }
        return "\(name) (0x\(hexByte(rawValue)))"
    }
}
