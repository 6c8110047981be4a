import NIOCore

extension MQTTPubAckPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTAcknowledgementCoding.encode(
            into: &buffer,
            type: .pubAck,
            context: .pubAck,
            packetIdentifier: packetIdentifier,
            reasonCode: reasonCode.rawValue,
            properties: properties,
            version: version,
            maximumPacketSize: maximumPacketSize
        )
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTPubAckPacket {
        let fields = try MQTTAcknowledgementCoding.decode(
            from: &body, type: .pubAck, context: .pubAck, version: version)
        guard let reasonCode = MQTTPubAckReasonCode(rawValue: fields.reasonCode) else {
            throw .protocolError("\(MQTTPacketType.pubAck) with unknown reason code 0x\(hexByte(fields.reasonCode))")
        }
        return MQTTPubAckPacket(
            packetIdentifier: fields.packetIdentifier, reasonCode: reasonCode, properties: fields.properties)
    }
}
