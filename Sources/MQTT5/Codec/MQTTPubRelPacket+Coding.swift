import NIOCore

extension MQTTPubRelPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTAcknowledgementCoding.encode(
            into: &buffer,
            type: .pubRel,
            context: .pubRel,
            packetIdentifier: packetIdentifier,
            reasonCode: reasonCode.rawValue,
            properties: properties,
            version: version,
            maximumPacketSize: maximumPacketSize
        )
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTPubRelPacket {
        let fields = try MQTTAcknowledgementCoding.decode(
            from: &body, type: .pubRel, context: .pubRel, version: version)
        guard let reasonCode = MQTTPubRelReasonCode(rawValue: fields.reasonCode) else {
            throw .protocolError("\(MQTTPacketType.pubRel) with unknown reason code 0x\(hexByte(fields.reasonCode))")
        }
        return MQTTPubRelPacket(
            packetIdentifier: fields.packetIdentifier, reasonCode: reasonCode, properties: fields.properties)
    }
}
