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
        from body: inout ByteBuffer, flags: UInt8, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTPublishPacket {
        guard let qos = MQTTQoS(rawValue: (flags >> 1) & 0x03) else {
            throw .malformedPacket("PUBLISH with QoS 3")
        }
        let dup = flags & 0x08 != 0
        if dup && qos == .atMostOnce { throw .malformedPacket("PUBLISH with DUP and QoS 0") }
        let topic = try body.readMQTTTopicName("PUBLISH topic")
        let packetIdentifier = qos == .atMostOnce ? nil : try body.readMQTTPacketIdentifier(.publish)
        let properties = version == .v5_0 ? try MQTTProperties.read(from: &body, in: .publish) : MQTTProperties()
        if topic.isEmpty && properties.topicAlias == nil {
            throw .protocolError("PUBLISH with an empty topic and no Topic Alias")
        }
        let payload = body.readSlice(length: body.readableBytes) ?? ByteBuffer()
        return MQTTPublishPacket(
            topic: topic,
            payload: payload,
            qos: qos,
            retain: flags & 0x01 != 0,
            dup: dup,
            packetIdentifier: packetIdentifier,
            properties: properties
        )
    }
}
