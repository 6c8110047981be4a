import NIOCore

extension MQTTPubCompPacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTAcknowledgementCoding.encode(
            into: &buffer,
            type: .pubComp,
            context: .pubComp,
            packetIdentifier: packetIdentifier,
            reasonCode: reasonCode.rawValue,
            properties: properties,
            version: version,
            maximumPacketSize: maximumPacketSize
        )
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTPubCompPacket {
        let fields = try MQTTAcknowledgementCoding.decode(
            from: &body, type: .pubComp, context: .pubComp, version: version)
        guard let reasonCode = MQTTPubCompReasonCode(rawValue: fields.reasonCode) else {
            throw .protocolError("\(MQTTPacketType.pubComp) with unknown reason code 0x\(hexByte(fields.reasonCode))")
        }
        return MQTTPubCompPacket(
            packetIdentifier: fields.packetIdentifier, reasonCode: reasonCode, properties: fields.properties)
    }
}
