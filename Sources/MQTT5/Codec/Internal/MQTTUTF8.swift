/// UTF-8 validation as MQTT requires it (MQTT 5 section 1.5.4).
///
/// Well-formed UTF-8 excludes overlong forms, surrogates (U+D800 to U+DFFF) and code points
/// above U+10FFFF; MQTT also forbids U+0000.
enum MQTTUTF8 {
    enum Result {
        case string(String)
        case containsNull
        case invalidUTF8
    }

    /// Decodes `bytes` if they are well-formed UTF-8 without U+0000.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Result {
        bytes.withMemoryRebound(to: UInt8.self) { decode($0) }
    }

    /// Decodes `buffer` if it is well-formed UTF-8 without U+0000.
    static func decode(_ buffer: UnsafeBufferPointer<UInt8>) -> Result {
        var isASCII = true
        for byte in buffer {
            if byte == 0 { return .containsNull }
            if byte >= 0x80 { isASCII = false }
        }
        if isASCII {
            return .string(String(decoding: buffer, as: UTF8.self))
        }
        guard let string = String(validating: buffer, as: UTF8.self) else { return .invalidUTF8 }
        return .string(string)
    }

    /// Whether `string` contains U+0000.
    static func containsNull(_ string: String) -> Bool {
        string.utf8.contains(0)
    }

    /// Whether `string` contains `+` or `#`.
    static func containsWildcard(_ string: String) -> Bool {
        string.utf8.contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") }
    }
}
