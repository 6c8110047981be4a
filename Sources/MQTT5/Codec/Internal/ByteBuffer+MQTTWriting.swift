import NIOCore

extension ByteBuffer {
    /// Writes a UTF-8 Encoded String (two-byte length, then the bytes). The caller has checked
    /// the length with `MQTTEncodingValidation.stringSize(_:_:)`.
    @inline(__always)
    mutating func writeMQTTString(_ string: String) {
        let lengthIndex = writerIndex
        writeInteger(UInt16(0))
        let written = writeString(string)
        setInteger(UInt16(truncatingIfNeeded: written), at: lengthIndex)
    }

    /// Writes Binary Data (two-byte length, then the bytes).
    @inline(__always)
    mutating func writeMQTTBinary(_ data: ByteBuffer) {
        writeInteger(UInt16(truncatingIfNeeded: data.readableBytes))
        writeImmutableBuffer(data)
    }
}
