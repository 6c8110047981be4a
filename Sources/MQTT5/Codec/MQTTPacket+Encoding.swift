public import NIOCore

extension MQTTPacket {
    /// Encodes the full frame (fixed header and body) at the writer index of `buffer`.
    ///
    /// Validates what the spec requires of the sender: packet identifiers non-zero where needed,
    /// no DUP on QoS 0, topic names without wildcards, valid topic filters, properties allowed in
    /// the packet and in range, strings and binary data no longer than 65,535 bytes.
    ///
    /// For ``MQTTProtocolVersion/v3_1_1`` the 3.1.1 form is written and what 3.1.1 cannot carry is
    /// left out: properties, the reason codes of PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and
    /// UNSUBACK. CONNACK reason codes are mapped to 3.1.1 return codes (errors without an
    /// equivalent become 0x03, server unavailable) and SUBACK error codes to 0x80; AUTH throws.
    ///
    /// - Parameters:
    ///   - buffer: The buffer to append to. Nothing is appended when the call throws.
    ///   - version: The protocol version of the connection. CONNECT is always encoded in its own
    ///     ``MQTTConnectPacket/protocolVersion``.
    ///   - maximumPacketSize: The largest frame the receiver accepts; a larger one throws
    ///     ``MQTTDisconnectReasonCode/packetTooLarge``.
    /// - Throws: ``MQTTCodecError`` describing the first problem found.
    public func encode(
        into buffer: inout ByteBuffer,
        version: MQTTProtocolVersion,
        maximumPacketSize: UInt32 = MQTTFrameDecoder.maximumPossiblePacketSize
    ) throws(MQTTCodecError) {
        let start = buffer.writerIndex
        do {
            switch self {
            case .connect(let packet):
                try packet.encode(into: &buffer, maximumPacketSize: maximumPacketSize)
            case .connAck(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .publish(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .pubAck(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .pubRec(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .pubRel(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .pubComp(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .subscribe(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .subAck(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .unsubscribe(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .unsubAck(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .pingReq:
                try MQTTFixedHeader.write(
                    into: &buffer, type: .pingReq, flags: 0, remainingLength: 0, maximumPacketSize: maximumPacketSize)
            case .pingResp:
                try MQTTFixedHeader.write(
                    into: &buffer, type: .pingResp, flags: 0, remainingLength: 0, maximumPacketSize: maximumPacketSize)
            case .disconnect(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            case .auth(let packet):
                try packet.encode(into: &buffer, version: version, maximumPacketSize: maximumPacketSize)
            }
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }
}
