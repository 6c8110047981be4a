import NIOCore

// The codec works on `MQTTProperties.Fields` so that encoding a property list makes one access
// to the copy-on-write storage, not one per property. Decoding validates a list and keeps its
// bytes (`MQTTProperties.ReceivedList`); reading a property decodes it from them.

extension MQTTProperties {
    /// Validates the properties for `context` and returns the length of the property list
    /// (without the property length field itself).
    ///
    /// - Throws: ``MQTTCodecError`` (protocol error) for a property not allowed in `context`, an
    ///   out-of-range value, a string or binary value too long, or authentication data without
    ///   an authentication method.
    func encodedLength(in context: MQTTPropertyContext) throws(MQTTCodecError) -> Int {
        if storage === Self.emptyStorage { return 0 }
        if let received = storage.received {
            if received.context == context { return received.bytes.readableBytes }
            // Validated for another packet type: check every property against this one. The
            // length is the same (each property encodes one way), so the bytes are reused.
            return try received.decodingAll().encodedLength(in: context)
        }
        return try storage.fields.encodedLength(in: context)
    }

    /// Writes the property length (`length`, from ``encodedLength(in:)``) and the properties,
    /// in ascending identifier order (user properties and subscription identifiers in order);
    /// a list as received is written as it came.
    func write(into buffer: inout ByteBuffer, length: Int) {
        guard length > 0 else {
            buffer.writeInteger(UInt8(0))
            return
        }
        if let received = storage.received {
            assert(received.bytes.readableBytes == length, "property length mismatch")
            buffer.writeMQTTVariableByteInteger(UInt32(length))
            buffer.writeImmutableBuffer(received.bytes)
            return
        }
        storage.fields.write(into: &buffer, length: length)
    }

    /// Reads a property length and the property list that follows, checking each property is
    /// known (else malformed), allowed in `context`, not duplicated and in range (else protocol
    /// error). The properties are kept as received and decoded when read.
    static func read(
        from buffer: inout ByteBuffer, in context: MQTTPropertyContext
    ) throws(MQTTCodecError) -> MQTTProperties {
        let length = try buffer.readMQTTVariableByteInteger("property length of \(context)")
        guard length > 0 else { return MQTTProperties() }
        guard let list = buffer.readSlice(length: Int(length)) else {
            throw .malformedPacket("property length \(length) of \(context) exceeds the remaining length")
        }
        // One buffer access for the whole list (see MQTTRawReader).
        let result = list.withUnsafeReadableBytes { memory -> Result<Void, MQTTCodecError> in
            var reader = MQTTRawReader(memory, of: list)
            do throws(MQTTCodecError) {
                try Fields.checkList(from: &reader, in: context)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return MQTTProperties(received: ReceivedList(bytes: list, context: context))
    }
}

extension MQTTProperties.ReceivedList {
    /// The properties with `identifier` (every user property or subscription identifier), the
    /// other fields absent.
    func decoding(only identifier: MQTTPropertyIdentifier) -> MQTTProperties.Fields {
        bytes.withUnsafeReadableBytes { memory in
            var reader = MQTTRawReader(memory, of: bytes)
            var fields = MQTTProperties.Fields()
            do throws(MQTTCodecError) {
                while !reader.isAtEnd {
                    // Known and well-formed: the list was validated when it was received.
                    guard let next = MQTTPropertyIdentifier(rawValue: try reader.byte("property identifier")) else {
                        break
                    }
                    if next == identifier {
                        try fields.readValue(of: next, from: &reader)
                    } else {
                        try reader.skipValue(of: next)
                    }
                }
            } catch {
                assertionFailure("a received property list failed to decode again: \(error)")
            }
            return fields
        }
    }

    /// Every property.
    func decodingAll() -> MQTTProperties.Fields {
        bytes.withUnsafeReadableBytes { memory in
            var reader = MQTTRawReader(memory, of: bytes)
            var fields = MQTTProperties.Fields()
            do throws(MQTTCodecError) {
                try fields.readList(from: &reader, in: context)
            } catch {
                assertionFailure("a received property list failed to decode again: \(error)")
            }
            return fields
        }
    }
}

extension MQTTProperties.Fields {
    // MARK: Encoding

    /// See ``MQTTProperties/encodedLength(in:)``.
    func encodedLength(in context: MQTTPropertyContext) throws(MQTTCodecError) -> Int {
        var length = 0

        @inline(__always)
        func allow(_ identifier: MQTTPropertyIdentifier) throws(MQTTCodecError) {
            guard identifier.allowedIn.contains(context) else {
                throw .protocolError("\(identifier) is not allowed in \(context)")
            }
        }

        if payloadFormatIndicator != nil {
            try allow(.payloadFormatIndicator)
            length += 2
        }
        if messageExpiryInterval != nil {
            try allow(.messageExpiryInterval)
            length += 5
        }
        if let contentType {
            try allow(.contentType)
            length += try 1 + MQTTEncodingValidation.stringSize(contentType, "Content Type")
        }
        if let responseTopic {
            try allow(.responseTopic)
            length += try 1 + MQTTEncodingValidation.topicNameSize(responseTopic, allowEmpty: false, "Response Topic")
        }
        if let correlationData {
            try allow(.correlationData)
            length += try 1 + MQTTEncodingValidation.binarySize(correlationData, "Correlation Data")
        }
        if !subscriptionIdentifiers.isEmpty {
            try allow(.subscriptionIdentifier)
            if context == .subscribe && subscriptionIdentifiers.count > 1 {
                throw .protocolError("SUBSCRIBE with more than one Subscription Identifier")
            }
            for identifier in subscriptionIdentifiers {
                guard identifier != 0 && identifier <= MQTTVariableByteInteger.maximum else {
                    throw .protocolError("Subscription Identifier \(identifier) outside 1...268,435,455")
                }
                length += 1 + MQTTVariableByteInteger.size(identifier)
            }
        }
        if sessionExpiryInterval != nil {
            try allow(.sessionExpiryInterval)
            length += 5
        }
        if let assignedClientIdentifier {
            try allow(.assignedClientIdentifier)
            length += try 1 + MQTTEncodingValidation.stringSize(assignedClientIdentifier, "Assigned Client Identifier")
        }
        if serverKeepAlive != nil {
            try allow(.serverKeepAlive)
            length += 3
        }
        if let authenticationMethod {
            try allow(.authenticationMethod)
            length += try 1 + MQTTEncodingValidation.stringSize(authenticationMethod, "Authentication Method")
        }
        if let authenticationData {
            try allow(.authenticationData)
            guard authenticationMethod != nil else {
                throw .protocolError("Authentication Data without Authentication Method")
            }
            length += try 1 + MQTTEncodingValidation.binarySize(authenticationData, "Authentication Data")
        }
        if requestProblemInformation != nil {
            try allow(.requestProblemInformation)
            length += 2
        }
        if willDelayInterval != nil {
            try allow(.willDelayInterval)
            length += 5
        }
        if requestResponseInformation != nil {
            try allow(.requestResponseInformation)
            length += 2
        }
        if let responseInformation {
            try allow(.responseInformation)
            length += try 1 + MQTTEncodingValidation.stringSize(responseInformation, "Response Information")
        }
        if let serverReference {
            try allow(.serverReference)
            length += try 1 + MQTTEncodingValidation.stringSize(serverReference, "Server Reference")
        }
        if let reasonString {
            try allow(.reasonString)
            length += try 1 + MQTTEncodingValidation.stringSize(reasonString, "Reason String")
        }
        if let receiveMaximum {
            try allow(.receiveMaximum)
            guard receiveMaximum != 0 else { throw .protocolError("Receive Maximum of 0") }
            length += 3
        }
        if topicAliasMaximum != nil {
            try allow(.topicAliasMaximum)
            length += 3
        }
        if let topicAlias {
            try allow(.topicAlias)
            guard topicAlias != 0 else { throw .protocolError("Topic Alias of 0") }
            length += 3
        }
        if let maximumQoS {
            try allow(.maximumQoS)
            guard maximumQoS != .exactlyOnce else { throw .protocolError("Maximum QoS of 2 (leave it absent instead)") }
            length += 2
        }
        if retainAvailable != nil {
            try allow(.retainAvailable)
            length += 2
        }
        if !userProperties.isEmpty {
            try allow(.userProperty)
            for property in userProperties {
                length +=
                    try 1 + MQTTEncodingValidation.stringSize(property.name, "User Property name")
                    + MQTTEncodingValidation.stringSize(property.value, "User Property value")
            }
        }
        if let maximumPacketSize {
            try allow(.maximumPacketSize)
            guard maximumPacketSize != 0 else { throw .protocolError("Maximum Packet Size of 0") }
            length += 5
        }
        if wildcardSubscriptionAvailable != nil {
            try allow(.wildcardSubscriptionAvailable)
            length += 2
        }
        if subscriptionIdentifiersAvailable != nil {
            try allow(.subscriptionIdentifiersAvailable)
            length += 2
        }
        if sharedSubscriptionAvailable != nil {
            try allow(.sharedSubscriptionAvailable)
            length += 2
        }
        guard length <= Int(MQTTVariableByteInteger.maximum) else { throw .packetTooLarge("properties too long") }
        return length
    }

    /// Writes the property length and the properties (see ``MQTTProperties/write(into:length:)``).
    func write(into buffer: inout ByteBuffer, length: Int) {
        let total = MQTTVariableByteInteger.size(length) + length
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { memory in
            var writer = MQTTRawWriter(memory)
            writer.variableByteInteger(UInt32(length))
            write(to: &writer)
            assert(writer.offset == total, "property length mismatch")
            return writer.offset
        }
    }

    private func write(to buffer: inout MQTTRawWriter) {
        @inline(__always)
        func id(_ identifier: MQTTPropertyIdentifier, _ buffer: inout MQTTRawWriter) {
            buffer.byte(identifier.rawValue)
        }

        if let payloadFormatIndicator {
            id(.payloadFormatIndicator, &buffer)
            buffer.byte(payloadFormatIndicator.rawValue)
        }
        if let messageExpiryInterval {
            id(.messageExpiryInterval, &buffer)
            buffer.uint32(messageExpiryInterval)
        }
        if let contentType {
            id(.contentType, &buffer)
            buffer.string(contentType)
        }
        if let responseTopic {
            id(.responseTopic, &buffer)
            buffer.string(responseTopic)
        }
        if let correlationData {
            id(.correlationData, &buffer)
            buffer.binary(correlationData)
        }
        for identifier in subscriptionIdentifiers {
            id(.subscriptionIdentifier, &buffer)
            buffer.variableByteInteger(identifier)
        }
        if let sessionExpiryInterval {
            id(.sessionExpiryInterval, &buffer)
            buffer.uint32(sessionExpiryInterval)
        }
        if let assignedClientIdentifier {
            id(.assignedClientIdentifier, &buffer)
            buffer.string(assignedClientIdentifier)
        }
        if let serverKeepAlive {
            id(.serverKeepAlive, &buffer)
            buffer.uint16(serverKeepAlive)
        }
        if let authenticationMethod {
            id(.authenticationMethod, &buffer)
            buffer.string(authenticationMethod)
        }
        if let authenticationData {
            id(.authenticationData, &buffer)
            buffer.binary(authenticationData)
        }
        if let requestProblemInformation {
            id(.requestProblemInformation, &buffer)
            buffer.byte(UInt8(requestProblemInformation ? 1 : 0))
        }
        if let willDelayInterval {
            id(.willDelayInterval, &buffer)
            buffer.uint32(willDelayInterval)
        }
        if let requestResponseInformation {
            id(.requestResponseInformation, &buffer)
            buffer.byte(UInt8(requestResponseInformation ? 1 : 0))
        }
        if let responseInformation {
            id(.responseInformation, &buffer)
            buffer.string(responseInformation)
        }
        if let serverReference {
            id(.serverReference, &buffer)
            buffer.string(serverReference)
        }
        if let reasonString {
            id(.reasonString, &buffer)
            buffer.string(reasonString)
        }
        if let receiveMaximum {
            id(.receiveMaximum, &buffer)
            buffer.uint16(receiveMaximum)
        }
        if let topicAliasMaximum {
            id(.topicAliasMaximum, &buffer)
            buffer.uint16(topicAliasMaximum)
        }
        if let topicAlias {
            id(.topicAlias, &buffer)
            buffer.uint16(topicAlias)
        }
        if let maximumQoS {
            id(.maximumQoS, &buffer)
            buffer.byte(maximumQoS.rawValue)
        }
        if let retainAvailable {
            id(.retainAvailable, &buffer)
            buffer.byte(UInt8(retainAvailable ? 1 : 0))
        }
        for property in userProperties {
            id(.userProperty, &buffer)
            buffer.string(property.name)
            buffer.string(property.value)
        }
        if let maximumPacketSize {
            id(.maximumPacketSize, &buffer)
            buffer.uint32(maximumPacketSize)
        }
        if let wildcardSubscriptionAvailable {
            id(.wildcardSubscriptionAvailable, &buffer)
            buffer.byte(UInt8(wildcardSubscriptionAvailable ? 1 : 0))
        }
        if let subscriptionIdentifiersAvailable {
            id(.subscriptionIdentifiersAvailable, &buffer)
            buffer.byte(UInt8(subscriptionIdentifiersAvailable ? 1 : 0))
        }
        if let sharedSubscriptionAvailable {
            id(.sharedSubscriptionAvailable, &buffer)
            buffer.byte(UInt8(sharedSubscriptionAvailable ? 1 : 0))
        }
    }

    // MARK: Decoding

    /// Checks the properties of one list as ``readList(from:in:)`` does, building none of them.
    static func checkList(from list: inout MQTTRawReader, in context: MQTTPropertyContext) throws(MQTTCodecError) {
        var seen: UInt64 = 0
        while !list.isAtEnd {
            let identifier = try nextIdentifier(from: &list, in: context, seen: &seen)
            try list.checkValue(of: identifier)
        }
        try checkAuthentication(seen, in: context)
    }

    /// Reads the properties of one list, checking each is known, allowed in `context`, not
    /// duplicated and in range.
    mutating func readList(from list: inout MQTTRawReader, in context: MQTTPropertyContext) throws(MQTTCodecError) {
        var seen: UInt64 = 0
        while !list.isAtEnd {
            let identifier = try Self.nextIdentifier(from: &list, in: context, seen: &seen)
            try readValue(of: identifier, from: &list)
        }
        try Self.checkAuthentication(seen, in: context)
    }

    /// Reads a property identifier, checking it is known (else malformed), allowed in `context`
    /// and not repeated (else protocol error); `seen` has a bit per identifier read so far.
    @inline(__always)
    private static func nextIdentifier(
        from list: inout MQTTRawReader, in context: MQTTPropertyContext, seen: inout UInt64
    ) throws(MQTTCodecError) -> MQTTPropertyIdentifier {
        let rawIdentifier = try list.byte("property identifier")
        guard let identifier = MQTTPropertyIdentifier(rawValue: rawIdentifier) else {
            throw .malformedPacket("unknown property identifier 0x\(hexByte(rawIdentifier)) in \(context)")
        }
        guard identifier.allowedIn.contains(context) else {
            throw .protocolError("\(identifier) is not allowed in \(context)")
        }
        let bit: UInt64 = 1 << UInt64(rawIdentifier)
        if seen & bit != 0 && identifier != .userProperty
            && !(identifier == .subscriptionIdentifier && context == .publish)
        {
            throw .protocolError("\(identifier) included more than once in \(context)")
        }
        seen |= bit
        return identifier
    }

    private static func checkAuthentication(_ seen: UInt64, in context: MQTTPropertyContext) throws(MQTTCodecError) {
        let authenticationDataBit: UInt64 = 1 << UInt64(MQTTPropertyIdentifier.authenticationData.rawValue)
        let authenticationMethodBit: UInt64 = 1 << UInt64(MQTTPropertyIdentifier.authenticationMethod.rawValue)
        if seen & authenticationDataBit != 0 && seen & authenticationMethodBit == 0 {
            throw .protocolError("Authentication Data without Authentication Method in \(context)")
        }
    }

    /// Reads one property's value, checked by the rules ``MQTTRawReader/checkValue(of:)`` applies.
    mutating func readValue(
        of identifier: MQTTPropertyIdentifier, from list: inout MQTTRawReader
    ) throws(MQTTCodecError) {
        switch identifier {
        case .payloadFormatIndicator:
            payloadFormatIndicator = try list.flag(identifier) ? .utf8 : .bytes
        case .messageExpiryInterval:
            messageExpiryInterval = try list.uint32("\(identifier)")
        case .contentType:
            contentType = try list.string("\(identifier)")
        case .responseTopic:
            let topic = try list.topicName("\(identifier)")
            guard !topic.isEmpty else { throw .protocolError("empty \(identifier)") }
            responseTopic = topic
        case .correlationData:
            correlationData = try list.binary("\(identifier)")
        case .subscriptionIdentifier:
            subscriptionIdentifiers.append(try list.nonZeroVariableByteInteger(identifier))
        case .sessionExpiryInterval:
            sessionExpiryInterval = try list.uint32("\(identifier)")
        case .assignedClientIdentifier:
            assignedClientIdentifier = try list.string("\(identifier)")
        case .serverKeepAlive:
            serverKeepAlive = try list.uint16("\(identifier)")
        case .authenticationMethod:
            authenticationMethod = try list.string("\(identifier)")
        case .authenticationData:
            authenticationData = try list.binary("\(identifier)")
        case .requestProblemInformation:
            requestProblemInformation = try list.flag(identifier)
        case .willDelayInterval:
            willDelayInterval = try list.uint32("\(identifier)")
        case .requestResponseInformation:
            requestResponseInformation = try list.flag(identifier)
        case .responseInformation:
            responseInformation = try list.string("\(identifier)")
        case .serverReference:
            serverReference = try list.string("\(identifier)")
        case .reasonString:
            reasonString = try list.string("\(identifier)")
        case .receiveMaximum:
            receiveMaximum = try list.nonZeroUInt16(identifier)
        case .topicAliasMaximum:
            topicAliasMaximum = try list.uint16("\(identifier)")
        case .topicAlias:
            topicAlias = try list.nonZeroUInt16(identifier)
        case .maximumQoS:
            maximumQoS = try list.flag(identifier) ? .atLeastOnce : .atMostOnce
        case .retainAvailable:
            retainAvailable = try list.flag(identifier)
        case .userProperty:
            let name = try list.string("User Property name")
            let value = try list.string("User Property value")
            userProperties.append(MQTTUserProperty(name: name, value: value))
        case .maximumPacketSize:
            maximumPacketSize = try list.nonZeroUInt32(identifier)
        case .wildcardSubscriptionAvailable:
            wildcardSubscriptionAvailable = try list.flag(identifier)
        case .subscriptionIdentifiersAvailable:
            subscriptionIdentifiersAvailable = try list.flag(identifier)
        case .sharedSubscriptionAvailable:
            sharedSubscriptionAvailable = try list.flag(identifier)
        }
    }
}
