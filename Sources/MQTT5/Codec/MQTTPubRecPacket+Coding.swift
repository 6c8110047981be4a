import NIOCore

extension MQTTPubRecPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTAcknowledgementCoding.encode(
            into: &buffer,
            type: .pubRec,
            context: .pubRec,
            packetIdentifier: packetIdentifier,
            reasonCode: reasonCode.rawValue,
            properties: properties,
            version: version,
            maximumPacketSize: maximumPacketSize
        )
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTPubRecPacket {
        let fields = try MQTTAcknowledgementCoding.decode(
            from: &body, type: .pubRec, context: .pubRec, version: version)
        guard let reasonCode = MQTTPubRecReasonCode(rawValue: fields.reasonCode) else {
            throw .protocolError("\(MQTTPacketType.pubRec) with unknown reason code 0x\(hexByte(fields.reasonCode))")
        }
        return MQTTPubRecPacket(
            packetIdentifier: fields.packetIdentifier, reasonCode: reasonCode, properties: fields.properties)
    }
}
