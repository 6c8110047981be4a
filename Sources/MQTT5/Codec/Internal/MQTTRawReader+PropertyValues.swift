// The range rules of property values, in one place: the decoder uses them when it builds a
// property (`MQTTProperties.Fields.readValue`) and when it only checks a received list
// (`checkValue(of:)`), so the two cannot disagree.
extension MQTTRawReader {
    /// A one-byte value that must be 0 or 1 (a boolean, the payload format, the maximum QoS).
    @inline(__always)
    mutating func flag(_ identifier: MQTTPropertyIdentifier) throws(MQTTCodecError) -> Bool {
        switch try byte("\(identifier)") {
        case 0: return false
        case 1: return true
        case let value: throw .protocolError("\(identifier) of \(value); only 0 and 1 are allowed")
        }
    }

    /// A two-byte value that must not be 0.
    @inline(__always)
    mutating func nonZeroUInt16(_ identifier: MQTTPropertyIdentifier) throws(MQTTCodecError) -> UInt16 {
        try Self.nonZero(try uint16("\(identifier)"), identifier)
    }

    /// A four-byte value that must not be 0.
    @inline(__always)
    mutating func nonZeroUInt32(_ identifier: MQTTPropertyIdentifier) throws(MQTTCodecError) -> UInt32 {
        try Self.nonZero(try uint32("\(identifier)"), identifier)
    }

    /// A Variable Byte Integer that must not be 0.
    @inline(__always)
    mutating func nonZeroVariableByteInteger(_ identifier: MQTTPropertyIdentifier) throws(MQTTCodecError) -> UInt32 {
        try Self.nonZero(try variableByteInteger("\(identifier)"), identifier)
    }

    @inline(__always)
    private static func nonZero<Value: FixedWidthInteger>(
        _ value: Value, _ identifier: MQTTPropertyIdentifier
    ) throws(MQTTCodecError) -> Value {
        guard value != 0 else { throw .protocolError("\(identifier) of 0") }
        return value
    }

    /// Checks the value of `identifier` as ``MQTTProperties/Fields/readValue(of:from:)`` would
    /// read it, and moves past it without building it.
    mutating func checkValue(of identifier: MQTTPropertyIdentifier) throws(MQTTCodecError) {
        switch identifier {
        case .payloadFormatIndicator, .requestProblemInformation, .requestResponseInformation, .maximumQoS,
            .retainAvailable, .wildcardSubscriptionAvailable, .subscriptionIdentifiersAvailable,
            .sharedSubscriptionAvailable:
            _ = try flag(identifier)
        case .serverKeepAlive, .topicAliasMaximum:
            _ = try uint16("\(identifier)")
        case .receiveMaximum, .topicAlias:
            _ = try nonZeroUInt16(identifier)
        case .messageExpiryInterval, .sessionExpiryInterval, .willDelayInterval:
            _ = try uint32("\(identifier)")
        case .maximumPacketSize:
            _ = try nonZeroUInt32(identifier)
        case .subscriptionIdentifier:
            _ = try nonZeroVariableByteInteger(identifier)
        case .contentType, .assignedClientIdentifier, .authenticationMethod, .responseInformation, .serverReference,
            .reasonString:
            try skipString("\(identifier)")
        case .responseTopic:
            guard try skipTopicName("\(identifier)") > 0 else { throw .protocolError("empty \(identifier)") }
        case .correlationData, .authenticationData:
            try skipBinary("\(identifier)")
        case .userProperty:
            try skipString("User Property name")
            try skipString("User Property value")
        }
    }
}
