import NIOCore

/// The shared layout of PUBACK, PUBREC, PUBREL and PUBCOMP (MQTT 5 sections 3.4 to 3.7): packet
/// identifier, then in MQTT 5 a reason code and properties, both omitted when they are success
/// and empty.
enum MQTTAcknowledgementCoding {
    static func encode(
        into buffer: inout ByteBuffer,
        type: MQTTPacketType,
        context: MQTTPropertyContext,
        packetIdentifier: UInt16,
        reasonCode: UInt8,
        properties: MQTTProperties,
        version: MQTTProtocolVersion,
        maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTEncodingValidation.checkPacketIdentifier(packetIdentifier, type)
        let flags = type.requiredFlags ?? 0
        guard version == .v5_0 else {
            try MQTTFixedHeader.write(
                into: &buffer, type: type, flags: flags, remainingLength: 2, maximumPacketSize: maximumPacketSize)
            buffer.writeInteger(packetIdentifier)
            return
        }
        let propertiesLength = try properties.encodedLength(in: context)
        if propertiesLength == 0 {
            let length = reasonCode == 0 ? 2 : 3
            try MQTTFixedHeader.write(
                into: &buffer, type: type, flags: flags, remainingLength: length, maximumPacketSize: maximumPacketSize)
            buffer.writeInteger(packetIdentifier)
            if reasonCode != 0 { buffer.writeInteger(reasonCode) }
            return
        }
        let length = 3 + MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        try MQTTFixedHeader.write(
            into: &buffer, type: type, flags: flags, remainingLength: length, maximumPacketSize: maximumPacketSize)
        buffer.writeInteger(packetIdentifier)
        buffer.writeInteger(reasonCode)
        properties.write(into: &buffer, length: propertiesLength)
    }

    /// Decodes the body; the reason code is 0 when absent.
    static func decode(
        from body: inout ByteBuffer,
        type: MQTTPacketType,
        context: MQTTPropertyContext,
        version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> (packetIdentifier: UInt16, reasonCode: UInt8, properties: MQTTProperties) {
        let packetIdentifier = try body.readMQTTPacketIdentifier(type)
        guard version == .v5_0, body.readableBytes > 0 else {
            return (packetIdentifier, 0, MQTTProperties())
        }
        let reasonCode = try body.readMQTTByte("\(type) reason code")
        guard body.readableBytes > 0 else { return (packetIdentifier, reasonCode, MQTTProperties()) }
        let properties = try MQTTProperties.read(from: &body, in: context)
        return (packetIdentifier, reasonCode, properties)
    }
}
