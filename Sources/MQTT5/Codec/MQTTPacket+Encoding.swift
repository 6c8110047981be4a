import NIOCore

extension MQTTPacket {
    /// Encodes the full frame (fixed header and body) at the writer index of `buffer`.
    ///
    /// Validates what the spec requires of the sender: packet identifiers non-zero where needed,
    /// no DUP on QoS 0, topic names without wildcards, valid topic filters, properties allowed in
    /// the packet and in range, strings and binary data no longer than 65,535 bytes.
    ///
    /// For ``MQTTProtocolVersion/v3_1_1`` the 3.1.1 form is written and what 3.1.1 cannot carry is
    /// left out: properties, the reason codes of PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and
    /// UNSUBACK. CONNACK reason codes are mapped to 3.1.1 return codes and SUBACK error codes to
    /// 0x80; a CONNACK code with no 3.1.1 return code and an AUTH packet throw.
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
        throw .protocolError("encoding not implemented yet")
    }
}
