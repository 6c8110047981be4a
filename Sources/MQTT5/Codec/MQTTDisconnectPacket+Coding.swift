import NIOCore

extension MQTTDisconnectPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        guard version == .v5_0 else {
            try MQTTFixedHeader.write(
                into: &buffer, type: .disconnect, flags: 0, remainingLength: 0, maximumPacketSize: maximumPacketSize)
            return
        }
        let propertiesLength = try properties.encodedLength(in: .disconnect)
        if propertiesLength == 0 {
            let isNormal = reasonCode == .normalDisconnection
            try MQTTFixedHeader.write(
                into: &buffer, type: .disconnect, flags: 0, remainingLength: isNormal ? 0 : 1,
                maximumPacketSize: maximumPacketSize
            )
            if !isNormal { buffer.writeInteger(reasonCode.rawValue) }
            return
        }
        let length = 1 + MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        try MQTTFixedHeader.write(
            into: &buffer, type: .disconnect, flags: 0, remainingLength: length, maximumPacketSize: maximumPacketSize)
        buffer.writeInteger(reasonCode.rawValue)
        properties.write(into: &buffer, length: propertiesLength)
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTDisconnectPacket {
        guard version == .v5_0, body.readableBytes > 0 else { return MQTTDisconnectPacket() }
        let raw = try body.readMQTTByte("DISCONNECT reason code")
        guard let reasonCode = MQTTDisconnectReasonCode(rawValue: raw) else {
            throw .protocolError("DISCONNECT with unknown reason code 0x\(hexByte(raw))")
        }
        guard body.readableBytes > 0 else { return MQTTDisconnectPacket(reasonCode: reasonCode) }
        let properties = try MQTTProperties.read(from: &body, in: .disconnect)
        return MQTTDisconnectPacket(reasonCode: reasonCode, properties: properties)
    }
}
