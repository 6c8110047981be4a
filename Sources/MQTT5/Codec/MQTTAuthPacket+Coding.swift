import NIOCore

extension MQTTAuthPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        guard version == .v5_0 else { throw .protocolError("AUTH does not exist in MQTT 3.1.1") }
        let propertiesLength = try properties.encodedLength(in: .auth)
        if propertiesLength == 0 && reasonCode == .success {
            try MQTTFixedHeader.write(
                into: &buffer, type: .auth, flags: 0, remainingLength: 0, maximumPacketSize: maximumPacketSize)
            return
        }
        let length = 1 + MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        try MQTTFixedHeader.write(
            into: &buffer, type: .auth, flags: 0, remainingLength: length, maximumPacketSize: maximumPacketSize)
        buffer.writeInteger(reasonCode.rawValue)
        properties.write(into: &buffer, length: propertiesLength)
    }

    static func decode(from body: inout ByteBuffer) throws(MQTTCodecError) -> MQTTAuthPacket {
        guard body.readableBytes > 0 else { return MQTTAuthPacket() }
        let raw = try body.readMQTTByte("AUTH reason code")
        guard let reasonCode = MQTTAuthReasonCode(rawValue: raw) else {
            throw .protocolError("AUTH with unknown reason code 0x\(hexByte(raw))")
        }
        let properties = try MQTTProperties.read(from: &body, in: .auth)
        return MQTTAuthPacket(reasonCode: reasonCode, properties: properties)
    }
}
