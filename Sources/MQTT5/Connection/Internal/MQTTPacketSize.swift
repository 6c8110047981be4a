import NIOCore
/// Exact encoded sizes of the packets the client sends, computed without encoding them, so that
/// a packet larger than the broker's Maximum Packet Size is rejected before it is queued and the
/// operation statistics can report sizes. Also validates the properties for the packet type.
enum MQTTPacketSize {
    /// The size of a PUBLISH frame.
    ///
    /// - Throws: ``MQTTCodecError`` when the properties are not allowed or out of range.
    static func publish(_ packet: MQTTPublishPacket, version: MQTTProtocolVersion) throws(MQTTCodecError) -> Int {
        var length = 2 + packet.topic.utf8.count + (packet.qos == .atMostOnce ? 0 : 2)
        if version == .v5_0 {
            let propertiesLength = try packet.properties.encodedLength(in: .publish)
            length += MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        }
        length += packet.payload.readableBytes
        return frame(length)
    }

    /// The size of a SUBSCRIBE frame.
    static func subscribe(_ packet: MQTTSubscribePacket, version: MQTTProtocolVersion) throws(MQTTCodecError) -> Int {
        var length = 2
        if version == .v5_0 {
            let propertiesLength = try packet.properties.encodedLength(in: .subscribe)
            length += MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        }
        for subscription in packet.subscriptions {
            length += 3 + subscription.topicFilter.utf8.count
        }
        return frame(length)
    }

    /// The size of an UNSUBSCRIBE frame.
    static func unsubscribe(_ packet: MQTTUnsubscribePacket, version: MQTTProtocolVersion) throws(MQTTCodecError) -> Int
    {
        var length = 2
        if version == .v5_0 {
            let propertiesLength = try packet.properties.encodedLength(in: .unsubscribe)
            length += MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        }
        for filter in packet.topicFilters {
            length += 2 + filter.utf8.count
        }
        return frame(length)
    }

    @inline(__always)
    private static func frame(_ remainingLength: Int) -> Int {
        1 + MQTTVariableByteInteger.size(remainingLength) + remainingLength
    }
}
