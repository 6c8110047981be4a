import NIOCore

extension MQTTSubAckPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTEncodingValidation.checkPacketIdentifier(packetIdentifier, .subAck)
        guard !reasonCodes.isEmpty else { throw .protocolError("SUBACK without reason codes") }
        let isV5 = version == .v5_0
        var length = 2 + reasonCodes.count
        var propertiesLength = 0
        if isV5 {
            propertiesLength = try properties.encodedLength(in: .subAck)
            length += MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        }
        try MQTTFixedHeader.write(
            into: &buffer, type: .subAck, flags: 0, remainingLength: length, maximumPacketSize: maximumPacketSize)
        buffer.writeInteger(packetIdentifier)
        if isV5 { properties.write(into: &buffer, length: propertiesLength) }
        for code in reasonCodes {
            buffer.writeInteger(isV5 || !code.isError ? code.rawValue : 0x80)
        }
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTSubAckPacket {
        let packetIdentifier = try body.readMQTTPacketIdentifier(.subAck)
        let isV5 = version == .v5_0
        let properties = isV5 ? try MQTTProperties.read(from: &body, in: .subAck) : MQTTProperties()
        var reasonCodes: [MQTTSubAckReasonCode] = []
        reasonCodes.reserveCapacity(body.readableBytes)
        while let raw: UInt8 = body.readInteger() {
            guard let code = MQTTSubAckReasonCode(rawValue: raw), isV5 || raw <= 2 || raw == 0x80 else {
                throw .protocolError("SUBACK with unknown reason code 0x\(hexByte(raw))")
            }
            reasonCodes.append(code)
        }
        guard !reasonCodes.isEmpty else { throw .protocolError("SUBACK without reason codes") }
        return MQTTSubAckPacket(packetIdentifier: packetIdentifier, reasonCodes: reasonCodes, properties: properties)
    }
}
