import NIOCore

extension MQTTSubscribePacket {
    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        try MQTTEncodingValidation.checkPacketIdentifier(packetIdentifier, .subscribe)
        guard !subscriptions.isEmpty else { throw .protocolError("SUBSCRIBE without subscriptions") }
        let isV5 = version == .v5_0
        var length = 2
        var propertiesLength = 0
        if isV5 {
            propertiesLength = try properties.encodedLength(in: .subscribe)
            length += MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
        }
        for subscription in subscriptions {
            do {
                try MQTTTopic.validateFilter(subscription.topicFilter)
            } catch {
                throw .protocolError("SUBSCRIBE with invalid topic filter: \(error)")
            }
            if isV5 && subscription.noLocal && subscription.topicFilter.hasPrefix(MQTTTopic.sharedSubscriptionPrefix) {
                throw .protocolError("No Local on shared subscription \"\(subscription.topicFilter)\"")
            }
            length += 3 + subscription.topicFilter.utf8.count
        }

        try MQTTFixedHeader.write(
            into: &buffer, type: .subscribe, flags: 0b0010, remainingLength: length,
            maximumPacketSize: maximumPacketSize)
        buffer.writeInteger(packetIdentifier)
        if isV5 { properties.write(into: &buffer, length: propertiesLength) }
        for subscription in subscriptions {
            buffer.writeMQTTString(subscription.topicFilter)
            var options = subscription.qos.rawValue
            if isV5 {
                if subscription.noLocal { options |= 0x04 }
                if subscription.retainAsPublished { options |= 0x08 }
                options |= subscription.retainHandling.rawValue << 4
            }
            buffer.writeInteger(options)
        }
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTSubscribePacket {
        let packetIdentifier = try body.readMQTTPacketIdentifier(.subscribe)
        let isV5 = version == .v5_0
        let properties = isV5 ? try MQTTProperties.read(from: &body, in: .subscribe) : MQTTProperties()
        var subscriptions: [MQTTSubscription] = []
        while body.readableBytes > 0 {
            let filter = try body.readMQTTString("SUBSCRIBE topic filter")
            let options = try body.readMQTTByte("subscription options")
            let qosBits = options & 0x03
            var subscription = MQTTSubscription(topicFilter: filter)
            if isV5 {
                guard options & 0xC0 == 0 else {
                    throw .malformedPacket("SUBSCRIBE options 0x\(hexByte(options)) with reserved bits set")
                }
                guard let qos = MQTTQoS(rawValue: qosBits) else { throw .protocolError("SUBSCRIBE with maximum QoS 3") }
                guard let retainHandling = MQTTRetainHandling(rawValue: (options >> 4) & 0x03) else {
                    throw .protocolError("SUBSCRIBE with Retain Handling 3")
                }
                subscription.qos = qos
                subscription.noLocal = options & 0x04 != 0
                subscription.retainAsPublished = options & 0x08 != 0
                subscription.retainHandling = retainHandling
                if subscription.noLocal && filter.hasPrefix(MQTTTopic.sharedSubscriptionPrefix) {
                    throw .protocolError("No Local on shared subscription \"\(filter)\"")
                }
            } else {
                guard options & 0xFC == 0, let qos = MQTTQoS(rawValue: qosBits) else {
                    throw .malformedPacket("MQTT 3.1.1 SUBSCRIBE requested QoS byte 0x\(hexByte(options))")
                }
                subscription.qos = qos
            }
            subscriptions.append(subscription)
        }
        guard !subscriptions.isEmpty else { throw .protocolError("SUBSCRIBE without subscriptions") }
        return MQTTSubscribePacket(
            packetIdentifier: packetIdentifier, subscriptions: subscriptions, properties: properties)
    }
}
