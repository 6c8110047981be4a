import NIOCore

/// Writes MQTT fields straight into reserved buffer memory: one ByteBuffer access for a whole
/// run of small fields instead of one per field. The caller reserves the exact size first.
struct MQTTRawWriter {
    private let memory: UnsafeMutableRawBufferPointer
    private(set) var offset = 0

    init(_ memory: UnsafeMutableRawBufferPointer) {
        self.memory = memory
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        memory[offset] = value
        offset += 1
    }

    @inline(__always)
    mutating func uint16(_ value: UInt16) {
        memory.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
        offset += 2
    }

    @inline(__always)
    mutating func uint32(_ value: UInt32) {
        memory.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
        offset += 4
    }

    @inline(__always)
    mutating func variableByteInteger(_ value: UInt32) {
        var remaining = value
        repeat {
            var byte = UInt8(truncatingIfNeeded: remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            self.byte(byte)
        } while remaining > 0
    }

    /// A UTF-8 Encoded String: two-byte length, then the bytes (length checked by the caller).
    @inline(__always)
    mutating func string(_ string: String) {
        let count = string.utf8.count
        uint16(UInt16(truncatingIfNeeded: count))
        let target = UnsafeMutableRawBufferPointer(rebasing: memory[offset..<(offset + count)])
        if string.utf8.withContiguousStorageIfAvailable({ target.copyMemory(from: UnsafeRawBufferPointer($0)) }) == nil
        {
            target.copyBytes(from: string.utf8)
        }
        offset += count
    }

    /// Binary Data: two-byte length, then the bytes (length checked by the caller).
    @inline(__always)
    mutating func binary(_ data: ByteBuffer) {
        let count = data.readableBytes
        uint16(UInt16(truncatingIfNeeded: count))
        let target = UnsafeMutableRawBufferPointer(rebasing: memory[offset..<(offset + count)])
        data.withUnsafeReadableBytes { target.copyMemory(from: $0) }
        offset += count
    }
}
