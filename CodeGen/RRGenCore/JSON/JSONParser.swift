/// A strict RFC 8259 JSON parser that keeps object member order and source locations.
///
/// Errors name the JSON path of the value being read and the line and column where the text
/// stopped making sense. Nesting is bounded (``maximumDepth``) so hostile input cannot exhaust
/// the stack.
public struct JSONParser {
    /// How deeply arrays and objects may nest unless ``parse(_:allowingDuplicateKeys:maximumDepth:)``
    /// says otherwise.
    public static let maximumDepth = 256

    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var lineStart = 0
    private var path = JSONPath.root
    private var depth = 0
    private let allowsDuplicateKeys: Bool
    private let maximumDepth: Int

    /// Parses a whole document.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 text; a leading byte-order mark is skipped.
    ///   - allowingDuplicateKeys: Whether an object may name a member twice. RFC 8259's grammar
    ///     allows it (names only SHOULD be unique); a schema never means it, so by default it is an
    ///     error naming the key. When allowed, every member is kept in order.
    ///   - maximumDepth: How deeply arrays and objects may nest before the text is refused.
    /// - Returns: The root value.
    /// - Throws: ``RRGenError`` naming where the text is not valid JSON.
    public static func parse(
        _ bytes: some Sequence<UInt8>, allowingDuplicateKeys: Bool = false, maximumDepth: Int = Self.maximumDepth
    ) throws(RRGenError) -> JSONNode {
        var parser = JSONParser(
            bytes: Array(bytes), allowsDuplicateKeys: allowingDuplicateKeys, maximumDepth: maximumDepth)
        return try parser.parseDocument()
    }

    /// Parses a whole document from a string.
    public static func parse(_ text: String) throws(RRGenError) -> JSONNode {
        try parse(text.utf8)
    }

    private init(bytes: [UInt8], allowsDuplicateKeys: Bool, maximumDepth: Int) {
        self.bytes = bytes
        self.allowsDuplicateKeys = allowsDuplicateKeys
        self.maximumDepth = maximumDepth
    }

    private var location: SourceLocation {
        SourceLocation(line: line, column: offset - lineStart + 1)
    }

    private func fail(_ message: String) -> RRGenError {
        RRGenError(
            path: path, message: "\(message) (line \(location.line), column \(location.column))", location: location)
    }

    private mutating func parseDocument() throws(RRGenError) -> JSONNode {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            offset = 3
            lineStart = 3
        }
        skipWhitespace()
        let node = try parseValue()
        skipWhitespace()
        if offset < bytes.count {
            throw fail("expected the end of the document, found \(describeCurrent())")
        }
        return node
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                offset += 1
            case UInt8(ascii: "\n"):
                offset += 1
                line += 1
                lineStart = offset
            default:
                return
            }
        }
    }

    private func describeCurrent() -> String {
        guard offset < bytes.count else { return "the end of the text" }
        let byte = bytes[offset]
        if byte >= 0x20 && byte < 0x7F {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private mutating func parseValue() throws(RRGenError) -> JSONNode {
        let start = location
        guard offset < bytes.count else { throw fail("expected a value, found the end of the text") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            return JSONNode(.object(try parseObject()), at: start)
        case UInt8(ascii: "["):
            return JSONNode(.array(try parseArray()), at: start)
        case UInt8(ascii: "\""):
            return JSONNode(.string(try parseString()), at: start)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONNode(.bool(true), at: start)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONNode(.bool(false), at: start)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONNode(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(.number(try parseNumber()), at: start)
        default:
            throw fail("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws(RRGenError) {
        let count = literal.utf8.count
        guard offset + count <= bytes.count, bytes[offset..<offset + count].elementsEqual(literal.utf8) else {
            throw fail("expected a value, found \(describeCurrent())")
        }
        offset += count
    }

    private mutating func enterContainer() throws(RRGenError) {
        depth += 1
        if depth > maximumDepth {
            throw fail("values nest deeper than \(maximumDepth) levels")
        }
    }

    private mutating func parseObject() throws(RRGenError) -> [JSONMember] {
        try enterContainer()
        defer { depth -= 1 }
        offset += 1  // {
        var members: [JSONMember] = []
        var seen: Set<String> = []
        skipWhitespace()
        if offset < bytes.count && bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            return members
        }
        let containerPath = path
        defer { path = containerPath }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw fail("expected a member name in double quotes, found \(describeCurrent())")
            }
            let keyLocation = location
            let key = try parseString()
            if !allowsDuplicateKeys, !seen.insert(key).inserted {
                path = containerPath
                throw RRGenError(
                    path: containerPath,
                    message: "duplicate key '\(key)' (line \(keyLocation.line), column \(keyLocation.column))",
                    location: keyLocation)
            }
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                throw fail("expected ':' after the member name '\(key)', found \(describeCurrent())")
            }
            offset += 1
            skipWhitespace()
            path = containerPath.appending(key)
            let value = try parseValue()
            members.append(JSONMember(key: key, keyLocation: keyLocation, value: value))
            path = containerPath
            skipWhitespace()
            guard offset < bytes.count else { throw fail("expected ',' or '}', found the end of the text") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            if bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return members
            }
            throw fail("expected ',' or '}' after the member '\(key)', found \(describeCurrent())")
        }
    }

    private mutating func parseArray() throws(RRGenError) -> [JSONNode] {
        try enterContainer()
        defer { depth -= 1 }
        offset += 1  // [
        var elements: [JSONNode] = []
        skipWhitespace()
        if offset < bytes.count && bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            return elements
        }
        let containerPath = path
        defer { path = containerPath }
        while true {
            skipWhitespace()
            path = containerPath.appending(index: elements.count)
            elements.append(try parseValue())
            path = containerPath
            skipWhitespace()
            guard offset < bytes.count else { throw fail("expected ',' or ']', found the end of the text") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            if bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return elements
            }
            throw fail("expected ',' or ']', found \(describeCurrent())")
        }
    }

    private mutating func parseNumber() throws(RRGenError) -> String {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count, isDigit(bytes[offset]) else {
            throw fail("expected a digit in a number, found \(describeCurrent())")
        }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
        } else {
            while offset < bytes.count && isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count && bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard offset < bytes.count, isDigit(bytes[offset]) else {
                throw fail("expected a digit after the decimal point, found \(describeCurrent())")
            }
            while offset < bytes.count && isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count && (bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E")) {
            offset += 1
            if offset < bytes.count && (bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-")) {
                offset += 1
            }
            guard offset < bytes.count, isDigit(bytes[offset]) else {
                throw fail("expected a digit in the exponent, found \(describeCurrent())")
            }
            while offset < bytes.count && isDigit(bytes[offset]) { offset += 1 }
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func parseString() throws(RRGenError) -> String {
        offset += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = offset
        while true {
            guard offset < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                try appendRun(from: runStart, to: offset, into: &scalars)
                offset += 1
                return String(scalars)
            }
            if byte < 0x20 {
                throw fail(
                    "control character 0x\(String(byte, radix: 16, uppercase: true)) in a string must be escaped")
            }
            if byte == UInt8(ascii: "\\") {
                try appendRun(from: runStart, to: offset, into: &scalars)
                offset += 1
                scalars.append(try parseEscape())
                runStart = offset
                continue
            }
            offset += 1
        }
    }

    private func appendRun(
        from start: Int, to end: Int, into scalars: inout String.UnicodeScalarView
    ) throws(RRGenError) {
        guard start < end else { return }
        var iterator = bytes[start..<end].makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: break loop
            case .error: throw fail("invalid UTF-8 in a string")
            }
        }
    }

    private mutating func parseEscape() throws(RRGenError) -> Unicode.Scalar {
        guard offset < bytes.count else { throw fail("unterminated escape sequence") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800...0xDBFF).contains(high) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u")
                else {
                    throw fail("unpaired UTF-16 surrogate in a \\u escape")
                }
                offset += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired UTF-16 surrogate in a \\u escape") }
                let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw fail("invalid \\u escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw fail("unpaired UTF-16 surrogate in a \\u escape") }
            return scalar
        default:
            offset -= 1
            throw fail("invalid escape sequence '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func parseHex4() throws(RRGenError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count else { throw fail("expected four hexadecimal digits after \\u") }
            let byte = bytes[offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("expected four hexadecimal digits after \\u")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }
}
