import NIOCore

extension MQTTPublishPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        let isV5 = version == .v5_0
        var length = try MQTTEncodingValidation.topicNameSize(
            topic,
            allowEmpty: isV5 && properties.topicAlias != nil,
            "PUBLISH topic"
        )
        var flags = qos.rawValue << 1
        if retain { flags |= 0x01 }
        if dup {
            guard qos != .atMostOnce else { throw .protocolError("PUBLISH with DUP and QoS 0") }
            flags |= 0x08
        }
        var identifier: UInt16 = 0
        if qos != .atMostOnce {
            guard let packetIdentifier, packetIdentifier != 0 else {
                throw .protocolError("PUBLISH with \(qos) needs a non-zero packet identifier")
            }
            identifier = packetIdentifier
            length += 2
        }
        var propertiesLength = 0
        if isV5 {
            propertiesLength = try properties.encodedLength(in: .publish)
            length += MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        }
        length += payload.readableBytes

        try MQTTFixedHeader.write(
            into: &buffer, type: .publish, flags: flags, remainingLength: length, maximumPacketSize: maximumPacketSize)
        buffer.writeMQTTString(topic)
        if qos != .atMostOnce { buffer.writeInteger(identifier) }
        if isV5 { properties.write(into: &buffer, length: propertiesLength) }
        buffer.writeImmutableBuffer(payload)
    }

    static func decode(
        from body: inout ByteBuffer, flags: UInt8, version: MQTTProtocolVersion,
        topicNames: inout MQTTTopicNameCache
    ) throws(MQTTCodecError) -> MQTTPublishPacket {
        guard let qos = MQTTQoS(rawValue: (flags >> 1) & 0x03) else {
            throw .malformedPacket("PUBLISH with QoS 3")
        }
        let dup = flags & 0x08 != 0
        if dup && qos == .atMostOnce { throw .malformedPacket("PUBLISH with DUP and QoS 0") }
        // The variable header in one access to the buffer (see MQTTRawReader).
        let bytes = body
        let header = bytes.withUnsafeReadableBytes { memory -> Result<VariableHeader, MQTTCodecError> in
            var reader = MQTTRawReader(memory, of: bytes)
            do throws(MQTTCodecError) {
                return .success(
                    try VariableHeader(from: &reader, qos: qos, version: version, topicNames: &topicNames))
            } catch {
                return .failure(error)
            }
        }
        let variableHeader = try header.get()
        var properties = MQTTProperties()
        if let range = variableHeader.properties {
            properties = MQTTProperties(
                received: .init(
                    bytes: body.getSlice(at: body.readerIndex + range.lowerBound, length: range.count)!,
                    context: .publish))
        }
        if variableHeader.topic.isEmpty && properties.topicAlias == nil {
            throw .protocolError("PUBLISH with an empty topic and no Topic Alias")
        }
        body.moveReaderIndex(forwardBy: variableHeader.length)
        let payload = body.readSlice(length: body.readableBytes) ?? ByteBuffer()
        return MQTTPublishPacket(
            topic: variableHeader.topic,
            payload: payload,
            qos: qos,
            retain: flags & 0x01 != 0,
            dup: dup,
            packetIdentifier: variableHeader.packetIdentifier,
            properties: properties
        )
    }

    /// What comes before the payload: topic, packet identifier and (MQTT 5) the property list,
    /// checked, with where the list is.
    private struct VariableHeader {
        var topic: String
        var packetIdentifier: UInt16?
        /// The property list's bytes (without its length), relative to the body.
        var properties: Range<Int>?
        /// The length of the variable header.
        var length: Int

        init(
            from reader: inout MQTTRawReader, qos: MQTTQoS, version: MQTTProtocolVersion,
            topicNames: inout MQTTTopicNameCache
        ) throws(MQTTCodecError) {
            topic = try reader.topicName("PUBLISH topic", cache: &topicNames)
            packetIdentifier = qos == .atMostOnce ? nil : try reader.packetIdentifier(.publish)
            if version == .v5_0 {
                let length = Int(try reader.variableByteInteger("property length of PUBLISH"))
                guard length <= reader.remaining else {
                    throw .malformedPacket("property length \(length) of PUBLISH exceeds the remaining length")
                }
                if length > 0 {
                    let start = reader.offset
                    var list = try reader.subReader(length, "PUBLISH properties")
                    try MQTTProperties.Fields.checkList(from: &list, in: .publish)
                    properties = start..<start + length
                }
            }
            length = reader.offset
        }
    }
}
