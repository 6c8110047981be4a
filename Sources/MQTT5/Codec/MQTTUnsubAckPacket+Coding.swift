import NIOCore

extension MQTTUnsubAckPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTEncodingValidation.checkPacketIdentifier(packetIdentifier, .unsubAck)
        guard version == .v5_0 else {
            try MQTTFixedHeader.write(
                into: &buffer, type: .unsubAck, flags: 0, remainingLength: 2, maximumPacketSize: maximumPacketSize)
            buffer.writeInteger(packetIdentifier)
            return
        }
        guard !reasonCodes.isEmpty else { throw .protocolError("MQTT 5 UNSUBACK without reason codes") }
        let propertiesLength = try properties.encodedLength(in: .unsubAck)
        let length = 2 + MQTTVariableByteInteger.size(propertiesLength) + propertiesLength + reasonCodes.count
        try MQTTFixedHeader.write(
            into: &buffer, type: .unsubAck, flags: 0, remainingLength: length, maximumPacketSize: maximumPacketSize)
        buffer.writeInteger(packetIdentifier)
        properties.write(into: &buffer, length: propertiesLength)
        for code in reasonCodes { buffer.writeInteger(code.rawValue) }
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTUnsubAckPacket {
        let packetIdentifier = try body.readMQTTPacketIdentifier(.unsubAck)
        guard version == .v5_0 else { return MQTTUnsubAckPacket(packetIdentifier: packetIdentifier) }
        let properties = try MQTTProperties.read(from: &body, in: .unsubAck)
        var reasonCodes: [MQTTUnsubAckReasonCode] = []
        reasonCodes.reserveCapacity(body.readableBytes)
        while let raw: UInt8 = body.readInteger() {
            guard let code = MQTTUnsubAckReasonCode(rawValue: raw) else {
                throw .protocolError("UNSUBACK with unknown reason code 0x\(hexByte(raw))")
            }
            reasonCodes.append(code)
        }
        guard !reasonCodes.isEmpty else { throw .protocolError("MQTT 5 UNSUBACK without reason codes") }
        return MQTTUnsubAckPacket(packetIdentifier: packetIdentifier, reasonCodes: reasonCodes, properties: properties)
    }
}
