/// A strict RFC 8259 parser from UTF-8 bytes to ``ServiceJSONNode``.
///
/// It accepts what Foundation's `JSONDecoder` accepts (any value at the top level, surrounded
/// by whitespace) and refuses the rest with the byte offset of the problem: trailing commas,
/// comments, unescaped control characters, invalid UTF-8, lone surrogate escapes, leading zeros,
/// nesting deeper than ``maximumDepth``.
struct ServiceJSONParser {
    /// Why a payload is not JSON.
    struct SyntaxError: Error, CustomStringConvertible {
        /// What was wrong.
        var reason: String
        /// The offset of the offending byte.
        var offset: Int

        var description: String { "\(reason) at byte \(offset)" }
    }

    /// How deeply arrays and objects may nest (Foundation's limit too).
    static let maximumDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses one JSON text.
    ///
    /// - Parameter bytes: UTF-8 JSON.
    /// - Returns: The value.
    /// - Throws: ``SyntaxError``.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> ServiceJSONNode {
        var parser = ServiceJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw SyntaxError(
                reason: "unexpected '\(parser.describeByte())' after the JSON value", offset: parser.index)
        }
        return value
    }

    // MARK: Values

    private mutating func parseValue() throws(SyntaxError) -> ServiceJSONNode {
        guard index < bytes.count else { throw SyntaxError(reason: "unexpected end of data", offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw SyntaxError(reason: "unexpected '\(describeByte())'", offset: index)
        }
    }

    private mutating func parseObject() throws(SyntaxError) -> ServiceJSONNode {
        try enterContainer()
        index += 1  // {
        var members: [(key: String, value: ServiceJSONNode)] = []
        members.reserveCapacity(8)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw SyntaxError(reason: "expected a member name in quotes", offset: index)
            }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw SyntaxError(reason: "expected ':'", offset: index) }
            index += 1
            skipWhitespace()
            // A repeated name is kept; lookups take its last value, as Foundation's decoder does.
            members.append((key, try parseValue()))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default: throw SyntaxError(reason: "expected ',' or '}' in an object", offset: index)
            }
        }
    }

    private mutating func parseArray() throws(SyntaxError) -> ServiceJSONNode {
        try enterContainer()
        index += 1  // [
        var elements: [ServiceJSONNode] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default: throw SyntaxError(reason: "expected ',' or ']' in an array", offset: index)
            }
        }
    }

    private mutating func enterContainer() throws(SyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw SyntaxError(reason: "nesting deeper than \(Self.maximumDepth) levels", offset: index)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(SyntaxError) {
        let count = literal.utf8CodeUnitCount
        let matches =
            index + count <= bytes.count
            && literal.withUTF8Buffer { expected in
                (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
            }
        guard matches else { throw SyntaxError(reason: "invalid literal, expected '\(literal)'", offset: index) }
        index += count
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        switch peek() {
        case UInt8(ascii: "0"):
            index += 1
            if let next = peek(), isDigit(next) {
                throw SyntaxError(reason: "a number cannot have a leading zero", offset: index - 1)
            }
        case let byte? where isDigit(byte):
            skipDigits()
        default:
            throw SyntaxError(reason: "expected a digit", offset: index)
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let byte = peek(), isDigit(byte) else {
                throw SyntaxError(reason: "expected a digit after the decimal point", offset: index)
            }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek(), isDigit(byte) else {
                throw SyntaxError(reason: "expected a digit in the exponent", offset: index)
            }
            skipDigits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: Strings

    private mutating func parseString() throws(SyntaxError) -> String {
        index += 1  // opening quote
        let start = index
        // The common case: no escapes, so the bytes are the string (after UTF-8 validation).
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try validatedUTF8(start..<index)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw SyntaxError(reason: "unescaped control character in a string", offset: index) }
            index += 1
        }
        var text = try validatedUTF8(start..<index)
        try parseEscapedRemainder(into: &text)
        return text
    }

    /// Continues a string at its first backslash.
    private mutating func parseEscapedRemainder(into text: inout String) throws(SyntaxError) {
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                text += try validatedUTF8(runStart..<index)
                index += 1
                return
            case UInt8(ascii: "\\"):
                text += try validatedUTF8(runStart..<index)
                try parseEscape(into: &text)
                runStart = index
            case ..<0x20:
                throw SyntaxError(reason: "unescaped control character in a string", offset: index)
            default:
                index += 1
            }
        }
        throw SyntaxError(reason: "unterminated string", offset: index)
    }

    private mutating func parseEscape(into text: inout String) throws(SyntaxError) {
        let escapeStart = index
        index += 1  // backslash
        guard let byte = peek() else { throw SyntaxError(reason: "unterminated string", offset: index) }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): text.append("\"")
        case UInt8(ascii: "\\"): text.append("\\")
        case UInt8(ascii: "/"): text.append("/")
        case UInt8(ascii: "b"): text.append("\u{08}")
        case UInt8(ascii: "f"): text.append("\u{0C}")
        case UInt8(ascii: "n"): text.append("\n")
        case UInt8(ascii: "r"): text.append("\r")
        case UInt8(ascii: "t"): text.append("\t")
        case UInt8(ascii: "u"):
            let first = try parseHexQuad()
            var scalarValue = UInt32(first)
            if (0xD800...0xDBFF).contains(first) {
                // A high surrogate must be followed by an escaped low one.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw SyntaxError(reason: "unpaired surrogate escape", offset: escapeStart) }
                index += 2
                let second = try parseHexQuad()
                guard (0xDC00...0xDFFF).contains(second) else {
                    throw SyntaxError(reason: "unpaired surrogate escape", offset: escapeStart)
                }
                scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw SyntaxError(reason: "unpaired surrogate escape", offset: escapeStart)
            }
            text.unicodeScalars.append(scalar)
        default:
            throw SyntaxError(reason: "invalid escape '\\\(describe(byte))'", offset: escapeStart)
        }
    }

    private mutating func parseHexQuad() throws(SyntaxError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw SyntaxError(reason: "unterminated \\u escape", offset: index) }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw SyntaxError(reason: "invalid hex digit in a \\u escape", offset: index)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private func validatedUTF8(_ range: Range<Int>) throws(SyntaxError) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        // ASCII (member names, most values) needs no validation beyond this scan.
        var combined: UInt8 = 0
        for byte in slice { combined |= byte }
        if combined < 0x80 { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw SyntaxError(reason: "invalid UTF-8 in a string", offset: range.lowerBound)
        }
        return text
    }

    // MARK: Bytes

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    private func describeByte() -> String {
        index < bytes.count ? describe(bytes[index]) : "end of data"
    }

    private func describe(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16, uppercase: true)
    }
}
