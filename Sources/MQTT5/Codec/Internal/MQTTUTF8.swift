/// UTF-8 validation as MQTT requires it (MQTT 5 section 1.5.4).
///
/// Well-formed UTF-8 excludes overlong forms, surrogates (U+D800 to U+DFFF) and code points
/// above U+10FFFF; MQTT also forbids U+0000. Topic names must not contain `+` or `#`.
enum MQTTUTF8 {
    enum Result {
        case string(String)
        case problem(Problem)
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
        if scan.hasNull { return .problem(.containsNull) }
        if rejectWildcards && scan.hasWildcard { return .problem(.containsWildcard) }
        if scan.isASCII {
            return .string(String(decoding: buffer, as: UTF8.self))
        }
        guard let string = String(validating: buffer, as: UTF8.self) else { return .problem(.invalidUTF8) }
        return .string(string)
    }

    /// What makes bytes unacceptable as an MQTT string.
    enum Problem {
        case containsNull
        case containsWildcard
        case invalidUTF8

        /// The codec error for a field (`what`) with this problem: a malformed packet, or a
        /// protocol error for a wildcard in a topic name.
        func error(_ what: String) -> MQTTCodecError {
            switch self {
            case .containsNull: .malformedPacket("\(what) contains U+0000")
            case .containsWildcard: .protocolError("\(what) contains a wildcard")
            case .invalidUTF8: .malformedPacket("\(what) is not well-formed UTF-8")
            }
        }
    }

    /// Checks `bytes` as `decode(_:rejectWildcards:)` does, without building a string for
    /// ASCII (the common case).
    ///
    /// - Returns: `nil` when the bytes are acceptable.
    @inline(__always)
    static func validate(_ bytes: UnsafeRawBufferPointer, rejectWildcards: Bool) -> Problem? {
        let scan = scan(bytes)
        if scan.hasNull { return .containsNull }
        if rejectWildcards && scan.hasWildcard { return .containsWildcard }
        if scan.isASCII { return nil }
        return validateNonASCII(bytes)
    }

    private static func validateNonASCII(_ bytes: UnsafeRawBufferPointer) -> Problem? {
        bytes.withMemoryRebound(to: UInt8.self) { String(validating: $0, as: UTF8.self) == nil ? .invalidUTF8 : nil }
    }

    struct Scan {
        var hasNull = false
        var hasWildcard = false
        var isASCII = true
    }

    /// One pass over the bytes noting U+0000, wildcards and non-ASCII bytes, eight bytes at a
    /// time (exact "has a zero byte" test: `(x - 0x01…) & ~x & 0x80…`). The last 1 to 7 bytes
    /// of a string of 8 or more are the last eight bytes, read again in part (a byte checked
    /// twice changes nothing); a shorter string is checked byte by byte.
    @inline(__always)
    static func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> Scan {
        scan(UnsafeRawBufferPointer(buffer))
    }

    /// The same scan over untyped bytes (a packet buffer's memory, read without binding it).
    @inline(__always)
    static func scan(_ buffer: UnsafeRawBufferPointer) -> Scan {
        let count = buffer.count
        guard let raw = buffer.baseAddress else { return Scan() }
        if count >= 8 {
            // Branch-free: each mask is non-zero once a word had such a byte.
            var nulls: UInt64 = 0
            var wildcards: UInt64 = 0
            var all: UInt64 = 0
            var index = 0
            while true {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                all |= word
                nulls |= zeroBytes(word)
                wildcards |= zeroBytes(word ^ (ones &* 0x2B)) | zeroBytes(word ^ (ones &* 0x23))
                if index + 8 == count { break }
                // The next eight bytes, or the last eight when fewer are left.
                index = min(index + 8, count - 8)
            }
            return Scan(hasNull: nulls != 0, hasWildcard: wildcards != 0, isASCII: all & highs == 0)
        }
        var result = Scan()
        for index in 0..<count {
            switch raw.load(fromByteOffset: index, as: UInt8.self) {
            case 0: result.hasNull = true
            case UInt8(ascii: "+"), UInt8(ascii: "#"): result.hasWildcard = true
            case 0x80...: result.isASCII = false
            default: break
            }
        }
        return result
    }

    private static var ones: UInt64 { 0x0101_0101_0101_0101 }
    private static var highs: UInt64 { 0x8080_8080_8080_8080 }

    /// Non-zero exactly when `word` has a zero byte: `(x - 0x01…) & ~x & 0x80…`.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }

    /// Scans the UTF-8 of `string` (contiguous for native strings, so no copy).
    @inline(__always)
    static func scan(_ string: String) -> Scan {
        if let result = string.utf8.withContiguousStorageIfAvailable({ scan($0) }) { return result }
        return Array(string.utf8).withUnsafeBufferPointer { scan($0) }
    }
}
