import NIOCore

extension MQTTConnAckPacket {
    /// The MQTT 3.1.1 return code for a reason code (section 3.2.2.3 of 3.1.1): the five codes
    /// with a 3.1.1 equivalent map exactly; other errors become 0x03 (server unavailable).
    static func returnCode(for reasonCode: MQTTConnectReasonCode) -> UInt8 {
        switch reasonCode {
        case .success: 0x00
        case .unsupportedProtocolVersion: 0x01
        case .clientIdentifierNotValid: 0x02
        case .serverUnavailable: 0x03
        case .badUserNameOrPassword: 0x04
        case .notAuthorized: 0x05
        default: 0x03
        }
    }

    /// The reason code for an MQTT 3.1.1 return code.
    static func reasonCode(forReturnCode returnCode: UInt8) -> MQTTConnectReasonCode? {
        switch returnCode {
        case 0x00: .success
        case 0x01: .unsupportedProtocolVersion
        case 0x02: .clientIdentifierNotValid
        case 0x03: .serverUnavailable
        case 0x04: .badUserNameOrPassword
        case 0x05: .notAuthorized
        default: nil
        }
    }

    func encode(
        into buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        if sessionPresent && reasonCode.isError {
            throw .protocolError("CONNACK with Session Present and error \(reasonCode)")
        }
        let flags: UInt8 = sessionPresent ? 0x01 : 0x00
        switch version {
        case .v3_1, .v3_1_1:
            try MQTTFixedHeader.write(
                into: &buffer, type: .connAck, flags: 0, remainingLength: 2, maximumPacketSize: maximumPacketSize)
            buffer.writeInteger(flags)
            buffer.writeInteger(Self.returnCode(for: reasonCode))
        case .v5_0:
            let propertiesLength = try properties.encodedLength(in: .connAck)
            let length = 2 + MQTTVariableByteInteger.size(propertiesLength) + propertiesLength
            try MQTTFixedHeader.write(
                into: &buffer, type: .connAck, flags: 0, remainingLength: length, maximumPacketSize: maximumPacketSize)
            buffer.writeInteger(flags)
            buffer.writeInteger(reasonCode.rawValue)
            properties.write(into: &buffer, length: propertiesLength)
        }
    }

    static func decode(
        from body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTCodecError) -> MQTTConnAckPacket {
        let flags = try body.readMQTTByte("CONNACK flags")
        guard flags & 0xFE == 0 else { throw .malformedPacket("CONNACK reserved flags 0x\(hexByte(flags))") }
        let code = try body.readMQTTByte("CONNACK reason code")
        let reasonCode: MQTTConnectReasonCode
        let properties: MQTTProperties
        switch version {
        case .v3_1, .v3_1_1:
            guard let mapped = Self.reasonCode(forReturnCode: code) else {
                throw .protocolError("CONNACK with unknown return code 0x\(hexByte(code))")
            }
            reasonCode = mapped
            properties = MQTTProperties()
        case .v5_0:
            guard let known = MQTTConnectReasonCode(rawValue: code) else {
                throw .protocolError("CONNACK with unknown reason code 0x\(hexByte(code))")
            }
            reasonCode = known
            properties = try MQTTProperties.read(from: &body, in: .connAck)
        }
        let sessionPresent = flags & 0x01 != 0
        if sessionPresent && reasonCode.isError {
            throw .protocolError("CONNACK with Session Present and error \(reasonCode)")
        }
        return MQTTConnAckPacket(sessionPresent: sessionPresent, reasonCode: reasonCode, properties: properties)
    }
}
