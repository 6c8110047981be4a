import NIOCore

/// The Variable Byte Integer encoding (MQTT 5 section 1.5.5): 7 bits per byte, least
/// significant first, the high bit meaning "more bytes follow", at most 4 bytes, minimal.
enum MQTTVariableByteInteger {
    /// The largest encodable value, 268,435,455.
    static let maximum: UInt32 = 268_435_455

    enum PeekResult: Equatable {
        case value(UInt32, length: Int)
        case needMoreBytes
        case invalid(String)
    }

    /// Reads a variable byte integer at `index` without moving the reader index.
    ///
    /// Rejects a fifth byte and non-minimal encodings (a multi-byte form ending in `0x00`).
    @inline(__always)
    static func peek(_ buffer: ByteBuffer, at index: Int) -> PeekResult {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        for offset in 0..<4 {
            guard let byte: UInt8 = buffer.getInteger(at: index + offset) else { return .needMoreBytes }
            value |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                if offset > 0 && byte == 0 {
                    return .invalid("non-minimal variable byte integer")
                }
                return .value(value, length: offset + 1)
            }
            shift += 7
        }
        return .invalid("variable byte integer longer than 4 bytes")
    }

    /// The number of bytes `value` takes.
    @inline(__always)
    static func size(_ value: UInt32) -> Int {
        switch value {
        case 0..<128: 1
        case 128..<16_384: 2
        case 16_384..<2_097_152: 3
        default: 4
        }
    }

    /// The number of bytes `value` takes.
    @inline(__always)
    static func size(_ value: Int) -> Int {
        size(UInt32(truncatingIfNeeded: value))
    }
}

extension ByteBuffer {
    /// Writes `value` (at most ``MQTTVariableByteInteger/maximum``) as a Variable Byte Integer.
    @inline(__always)
    @discardableResult
    mutating func writeMQTTVariableByteInteger(_ value: UInt32) -> Int {
        var remaining = value
        var written = 0
        repeat {
            var byte = UInt8(truncatingIfNeeded: remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            written += writeInteger(byte)
        } while remaining > 0
        return written
    }

    /// Writes `value` (at most ``MQTTVariableByteInteger/maximum``) as a Variable Byte Integer.
    @inline(__always)
    @discardableResult
    mutating func writeMQTTVariableByteInteger(_ value: Int) -> Int {
        writeMQTTVariableByteInteger(UInt32(truncatingIfNeeded: value))
    }
}
