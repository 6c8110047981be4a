import NIOCore

extension MQTTConnectPacket {
    /// Encodes the frame in ``protocolVersion``.
    func encode(into buffer: inout ByteBuffer, maximumPacketSize: UInt32) throws(MQTTCodecError) {
        let isV5 = protocolVersion == .v5_0
        // protocol name (6, or 8 for MQIsdp), level (1), flags (1), keep alive (2)
        var length = 4 + 2 + protocolVersion.protocolName.utf8.count
        var propertiesLength = 0
        if isV5 {
            propertiesLength = try properties.encodedLength(in: .connect)
            length += MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        }
        length += try MQTTEncodingValidation.stringSize(clientIdentifier, "client identifier")
        var willPropertiesLength = 0
        if let will {
            if isV5 {
                willPropertiesLength = try will.properties.encodedLength(in: .will)
                length += MQTTVariableByteInteger.size(willPropertiesLength) + willPropertiesLength
            }
            length += try MQTTEncodingValidation.topicNameSize(will.topic, allowEmpty: false, "will topic")
            guard will.payload.readableBytes <= 65_535 else {
                throw .protocolError("will payload longer than 65,535 bytes")
            }
            length += 2 + will.payload.readableBytes
        }
        if let username {
            length += try MQTTEncodingValidation.stringSize(username, "user name")
        }
        if let password {
            if !isV5 && username == nil {
                throw .protocolError("MQTT \(protocolVersion) CONNECT with a password but no user name")
            }
            length += try MQTTEncodingValidation.binarySize(password, "password")
        }

        try MQTTFixedHeader.write(
            into: &buffer, type: .connect, flags: 0, remainingLength: length, maximumPacketSize: maximumPacketSize)
        buffer.writeMQTTString(protocolVersion.protocolName)
        buffer.writeInteger(protocolVersion.rawValue)
        var flags: UInt8 = cleanStart ? 0x02 : 0
        if let will {
            flags |= 0x04 | will.qos.rawValue << 3 | (will.retain ? 0x20 : 0)
        }
        if password != nil { flags |= 0x40 }
        if username != nil { flags |= 0x80 }
        buffer.writeInteger(flags)
        buffer.writeInteger(keepAlive)
        if isV5 { properties.write(into: &buffer, length: propertiesLength) }
        buffer.writeMQTTString(clientIdentifier)
        if let will {
            if isV5 { will.properties.write(into: &buffer, length: willPropertiesLength) }
            buffer.writeMQTTString(will.topic)
            buffer.writeMQTTBinary(will.payload)
        }
        if let username { buffer.writeMQTTString(username) }
        if let password { buffer.writeMQTTBinary(password) }
    }

    /// Decodes a CONNECT body in the protocol version it declares.
    static func decode(from body: inout ByteBuffer) throws(MQTTCodecError) -> MQTTConnectPacket {
        let name = try body.readMQTTString("protocol name")
        let level = try body.readMQTTByte("protocol level")
        guard name == "MQTT" || name == "MQIsdp" else {
            throw .protocolError("CONNECT with protocol name \"\(name)\"")
        }
        guard let version = MQTTProtocolVersion(rawValue: level), version.protocolName == name else {
            throw MQTTCodecError(
                reasonCode: .protocolError,
                message: "CONNECT with unsupported protocol \(name) level \(level)",
                unsupportedProtocolLevel: level
            )
        }
        let isV5 = version == .v5_0
        let flags = try body.readMQTTByte("connect flags")
        guard flags & 0x01 == 0 else { throw .malformedPacket("CONNECT reserved flag is set") }
        let hasWill = flags & 0x04 != 0
        let willQoSBits = (flags >> 3) & 0x03
        let willRetain = flags & 0x20 != 0
        let hasPassword = flags & 0x40 != 0
        let hasUsername = flags & 0x80 != 0
        guard willQoSBits != 3 else { throw .malformedPacket("CONNECT with will QoS 3") }
        if !hasWill && (willQoSBits != 0 || willRetain) {
            throw .malformedPacket("CONNECT with will QoS or will retain but no will flag")
        }
        if !isV5 && hasPassword && !hasUsername {
            throw .malformedPacket("MQTT \(version) CONNECT with password flag but no user name flag")
        }
        let keepAlive = try body.readMQTTUInt16("keep alive")
        let properties = isV5 ? try MQTTProperties.read(from: &body, in: .connect) : MQTTProperties()
        let clientIdentifier = try body.readMQTTString("client identifier")
        var will: MQTTWill?
        if hasWill {
            let willProperties = isV5 ? try MQTTProperties.read(from: &body, in: .will) : MQTTProperties()
            let topic = try body.readMQTTTopicName("will topic")
            guard !topic.isEmpty else { throw .protocolError("CONNECT with an empty will topic") }
            let payload = try body.readMQTTBinary("will payload")
            will = MQTTWill(
                topic: topic,
                payload: payload,
                qos: MQTTQoS(rawValue: willQoSBits) ?? .atMostOnce,
                retain: willRetain,
                properties: willProperties
            )
        }
        let username = hasUsername ? try body.readMQTTString("user name") : nil
        let password = hasPassword ? try body.readMQTTBinary("password") : nil
        return MQTTConnectPacket(
            protocolVersion: version,
            cleanStart: flags & 0x02 != 0,
            keepAlive: keepAlive,
            clientIdentifier: clientIdentifier,
            username: username,
            password: password,
            will: will,
            properties: properties
        )
    }
}
