/// UTF-8 validation as MQTT requires it (MQTT 5 section 1.5.4).
///
/// Well-formed UTF-8 excludes overlong forms, surrogates (U+D800 to U+DFFF) and code points
/// above U+10FFFF; MQTT also forbids U+0000. Topic names must not contain `+` or `#`.
enum MQTTUTF8 {
    enum Result {
        case string(String)
        case containsNull
        case containsWildcard
        case invalidUTF8
    }

    /// Decodes `bytes` if they are well-formed UTF-8 without U+0000 (and, when
    /// `rejectWildcards`, without `+` and `#`).
    static func decode(_ bytes: UnsafeRawBufferPointer, rejectWildcards: Bool) -> Result {
        bytes.withMemoryRebound(to: UInt8.self) { decode($0, rejectWildcards: rejectWildcards) }
    }

    /// Decodes `buffer` if it is well-formed UTF-8 without U+0000 (and, when `rejectWildcards`,
    /// without `+` and `#`).
    static func decode(_ buffer: UnsafeBufferPointer<UInt8>, rejectWildcards: Bool) -> Result {
        let scan = scan(buffer)
        if scan.hasNull { return .containsNull }
        if rejectWildcards && scan.hasWildcard { return .containsWildcard }
        if scan.isASCII {
            return .string(String(decoding: buffer, as: UTF8.self))
        }
        guard let string = String(validating: buffer, as: UTF8.self) else { return .invalidUTF8 }
        return .string(string)
    }

    struct Scan {
        var hasNull = false
        var hasWildcard = false
        var isASCII = true
    }

    /// One pass over the bytes noting U+0000, wildcards and non-ASCII bytes, eight bytes at a
    /// time (exact "has a zero byte" test: `(x - 0x01…) & ~x & 0x80…`).
    @inline(__always)
    static func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> Scan {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }

        var result = Scan()
        var index = 0
        if let base = buffer.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= buffer.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & highs != 0 { result.isASCII = false }
                if hasZeroByte(word) { result.hasNull = true }
                if hasZeroByte(word ^ (ones &* 0x2B)) || hasZeroByte(word ^ (ones &* 0x23)) {
                    result.hasWildcard = true
                }
                index += 8
            }
        }
        while index < buffer.count {
            switch buffer[index] {
            case 0: result.hasNull = true
            case UInt8(ascii: "+"), UInt8(ascii: "#"): result.hasWildcard = true
            case 0x80...: result.isASCII = false
            default: break
            }
            index += 1
        }
        return result
    }

    /// Scans the UTF-8 of `string` (contiguous for native strings, so no copy).
    @inline(__always)
    static func scan(_ string: String) -> Scan {
        if let result = string.utf8.withContiguousStorageIfAvailable({ scan($0) }) { return result }
        return Array(string.utf8).withUnsafeBufferPointer { scan($0) }
    }
}
