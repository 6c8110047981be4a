import NIOCore

extension MQTTUnsubscribePacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTEncodingValidation.checkPacketIdentifier(packetIdentifier, .unsubscribe)
        guard !topicFilters.isEmpty else { throw .protocolError("UNSUBSCRIBE without topic filters") }
        let isV5 = version == .v5_0
        var length = 2
        var propertiesLength = 0
        if isV5 {
            propertiesLength = try properties.encodedLength(in: .unsubscribe)
            length += MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        }
        for filter in topicFilters {
            do {
                try MQTTTopic.validateFilter(filter)
            } catch {
                throw .protocolError("UNSUBSCRIBE with invalid topic filter: \(error)")
            }
            length += 2 + filter.utf8.count
        }
        try MQTTFixedHeader.write(
            into: &buffer, type: .unsubscribe, flags: 0b0010, remainingLength: length,
            maximumPacketSize: maximumPacketSize)
        buffer.writeInteger(packetIdentifier)
        if isV5 { properties.write(into: &buffer, length: propertiesLength) }
        for filter in topicFilters { buffer.writeMQTTString(filter) }
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTUnsubscribePacket {
        let packetIdentifier = try body.readMQTTPacketIdentifier(.unsubscribe)
        let properties = version == .v5_0 ? try MQTTProperties.read(from: &body, in: .unsubscribe) : MQTTProperties()
        var filters: [String] = []
        while body.readableBytes > 0 {
            filters.append(try body.readMQTTString("UNSUBSCRIBE topic filter"))
        }
        guard !filters.isEmpty else { throw .protocolError("UNSUBSCRIBE without topic filters") }
        return MQTTUnsubscribePacket(packetIdentifier: packetIdentifier, topicFilters: filters, properties: properties)
    }
}
