import NIOCore

/// The fixed header of every packet (MQTT 5 section 2.1): type and flags in one byte, then the
/// remaining length as a Variable Byte Integer.
enum MQTTFixedHeader {
    /// Checks the frame size and writes the fixed header, reserving room for the whole frame.
    ///
    /// - Throws: ``MQTTCodecError`` (packet too large) when the remaining length cannot be encoded
    ///   or the frame exceeds `maximumPacketSize`.
    @inline(__always)
    static func write(
        into buffer: inout ByteBuffer,
        type: MQTTPacketType,
        flags: UInt8,
        remainingLength: Int,
        maximumPacketSize: UInt32
    ) throws(MQTTCodecError) {
        guard remainingLength <= Int(MQTTVariableByteInteger.maximum) else {
            throw .packetTooLarge("\(type) remaining length \(remainingLength) exceeds 268,435,455")
        }
        let frameSize = 1 + MQTTVariableByteInteger.size(remainingLength) + remainingLength
        guard frameSize <= Int(maximumPacketSize) else {
            throw .packetTooLarge("\(type) of \(frameSize) bytes exceeds the maximum packet size \(maximumPacketSize)")
        }
        buffer.reserveCapacity(minimumWritableBytes: frameSize)
        buffer.writeInteger(type.rawValue << 4 | flags)
        buffer.writeMQTTVariableByteInteger(remainingLength)
    }
}
