import Foundation
package import NIOCore

/// Extracts a correlation token (a string at a dotted path such as `clientToken` or
/// `a.b.token`) from a JSON document without building a tree.
///
/// The scanner reads the bytes once, validates the whole document as strict JSON (RFC 8259,
/// UTF-8), walks only the objects on the path, and skips everything else. Its answer equals
/// "parse the document, then walk the path": a document that is not JSON is ``Outcome/malformed``
/// even if the token appears before the error, and when a key on the path appears twice the
/// last occurrence wins, as in `JSONSerialization`. What it does not handle (UTF-16 or UTF-32
/// documents, a byte-order mark, nesting deeper than ``maximumDepth``, escaped unpaired
/// surrogates) it reports as ``Outcome/unsupported``; ``extract(from:path:)`` then falls back to
/// Foundation's `JSONSerialization`.
package enum JSONTokenScanner {
    /// What a scan found.
    package enum Outcome: Hashable, Sendable {
        /// The document is JSON and the path leads to this string.
        case found(String)
        /// The document is JSON but the path does not lead to a value.
        case notFound
        /// The document is JSON and the path leads to a value that is not a string.
        case notString
        /// The bytes are not a JSON document.
        case malformed
        /// The scanner cannot decide; use a full parser.
        case unsupported
    }

    /// A dotted path split into the UTF-8 bytes of its keys.
    package struct Path: Hashable, Sendable {
        /// The keys, outermost first.
        package let segments: [[UInt8]]
        /// The dotted form, e.g. `clientToken`.
        package let dotted: String

        /// Splits `dotted` on `.`.
        package init(_ dotted: String) {
            self.dotted = dotted
            if dotted.utf8.contains(UInt8(ascii: ".")) {
                self.segments = dotted.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
            } else {
                self.segments = [Array(dotted.utf8)]  // the common `clientToken`: no split
            }
        }

        /// Paths are equal when their dotted forms are (the segments follow from it).
        package static func == (lhs: Path, rhs: Path) -> Bool { lhs.dotted == rhs.dotted }

        /// Hashes the dotted form only.
        package func hash(into hasher: inout Hasher) { hasher.combine(dotted) }
    }

    /// Nesting deeper than this is reported as ``Outcome/unsupported``.
    package static let maximumDepth = 512

    /// Scans `buffer`'s readable bytes; falls back to `JSONSerialization` only when the scan
    /// reports ``Outcome/unsupported``. Never returns ``Outcome/unsupported``.
    package static func extract(from buffer: ByteBuffer, path: Path) -> (outcome: Outcome, usedFallback: Bool) {
        let outcome = scan(buffer, path: path)
        guard outcome == .unsupported else { return (outcome, false) }
        return (foundationExtract(from: buffer, path: path), true)
    }

    /// Scans `buffer`'s readable bytes without any fallback.
    package static func scan(_ buffer: ByteBuffer, path: Path) -> Outcome {
        buffer.withUnsafeReadableBytes { scan($0, path: path) }
    }

    /// Scans `bytes` without any fallback.
    package static func scan(_ bytes: UnsafeRawBufferPointer, path: Path) -> Outcome {
        guard let first = bytes.first else { return .malformed }
        // UTF-16/32 documents (a zero in the first two bytes) and byte-order marks.
        if first == 0 || first == 0xEF || first == 0xFE || first == 0xFF { return .unsupported }
        if bytes.count >= 2, bytes[1] == 0 { return .unsupported }
        var scanner = Scanner(bytes: bytes, path: path.segments)
        do {
            try scanner.scanValue(depth: 0, level: 0)
            scanner.skipWhitespace()
            guard scanner.index == bytes.count else { return .malformed }
        } catch {
            return error == .unsupported ? .unsupported : .malformed
        }
        return scanner.result
    }

    /// The reference answer: parse with `JSONSerialization`, then walk the path.
    package static func foundationExtract(from buffer: ByteBuffer, path: Path) -> Outcome {
        let data = Data(buffer.readableBytesView)
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return .malformed
        }
        var value: Any = root
        for segment in path.segments {
            guard let object = value as? [String: Any],
                let next = object[String(decoding: segment, as: UTF8.self)]
            else { return .notFound }
            value = next
        }
        guard let string = value as? String else { return .notString }
        return .found(string)
    }
}

private enum ScanError: Error, Equatable {
    case malformed
    case unsupported
}

private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    let path: [[UInt8]]
    var index = 0
    var result: JSONTokenScanner.Outcome = .notFound

    init(bytes: UnsafeRawBufferPointer, path: [[UInt8]]) {
        self.bytes = bytes
        self.path = path
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    @inline(__always)
    mutating func skipWhitespace() {
        // Compact JSON has no whitespace: one comparison in the common case.
        if index < bytes.count, bytes[index] > 0x20 { return }
        var position = index
        let end = bytes.count
        while position < end {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default:
                index = position
                return
            }
        }
        index = position
    }

    /// Scans one value. `level` is how many path keys led here, or -1 when off the path.
    mutating func scanValue(depth: Int, level: Int) throws(ScanError) {
        skipWhitespace()
        guard index < bytes.count else { throw .malformed }
        let isTarget = level == path.count
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < JSONTokenScanner.maximumDepth else { throw .unsupported }
            try scanObject(depth: depth + 1, level: isTarget ? -1 : level)
            if isTarget { result = .notString }
        case UInt8(ascii: "["):
            guard depth < JSONTokenScanner.maximumDepth else { throw .unsupported }
            try scanArray(depth: depth + 1)
            if isTarget { result = .notString }
        case Self.quote:
            if isTarget {
                let decoded = try decodeString()
                result = .found(String(decoding: decoded, as: UTF8.self))
            } else {
                try skipString()
            }
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            if isTarget { result = .notString }
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            if isTarget { result = .notString }
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            if isTarget { result = .notString }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
            if isTarget { result = .notString }
        default:
            throw .malformed
        }
    }

    private mutating func scanObject(depth: Int, level: Int) throws(ScanError) {
        index += 1  // {
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == Self.quote else { throw .malformed }
            let onPath = level >= 0 && level < path.count
            var matched = false
            if onPath {
                matched = try keyEquals(path[level])
            } else {
                try skipString()
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .malformed }
            index += 1
            if matched {
                // A later duplicate of a key on the path replaces the earlier value.
                result = .notFound
                try scanValue(depth: depth, level: level + 1)
            } else {
                try scanValue(depth: depth, level: -1)
            }
            skipWhitespace()
            guard index < bytes.count else { throw .malformed }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw .malformed
            }
        }
    }

    private mutating func scanArray(depth: Int) throws(ScanError) {
        index += 1  // [
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try scanValue(depth: depth, level: -1)
            skipWhitespace()
            guard index < bytes.count else { throw .malformed }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default: throw .malformed
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(ScanError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw .malformed }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { throw .malformed }
        index += count
    }

    private mutating func scanNumber() throws(ScanError) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw .malformed }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard isDigit(bytes[index]) else { throw .malformed }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw .malformed }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw .malformed }
            skipDigits()
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private mutating func skipDigits() {
        var position = index
        let end = bytes.count
        while position < end, isDigit(bytes[position]) { position += 1 }
        index = position
    }

    /// Skips a string starting at its opening quote.
    private mutating func skipString() throws(ScanError) {
        index += 1
        while true {
            // Fast path: plain ASCII characters, with the cursor in a local.
            var position = index
            let end = bytes.count
            while position < end {
                let byte = bytes[position]
                if byte >= 0x20, byte < 0x80, byte != Self.quote, byte != Self.backslash {
                    position += 1
                } else {
                    break
                }
            }
            index = position
            guard index < end else { throw .malformed }
            let byte = bytes[index]
            if byte == Self.quote {
                index += 1
                return
            } else if byte == Self.backslash {
                _ = try readEscape()
            } else if byte < 0x20 {
                throw .malformed
            } else {
                index += try utf8SequenceLength()
            }
        }
    }

    /// Compares the string starting at its opening quote with `key`, consuming it.
    private mutating func keyEquals(_ key: [UInt8]) throws(ScanError) -> Bool {
        let start = index
        index += 1
        var matched = 0
        var equal = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.quote {
                index += 1
                return equal && matched == key.count
            } else if byte == Self.backslash {
                index = start
                return try decodeString() == key
            } else if byte < 0x20 {
                throw .malformed
            } else {
                let length = byte >= 0x80 ? try utf8SequenceLength() : 1
                for offset in 0..<length {
                    if equal, matched < key.count, key[matched] == bytes[index + offset] {
                        matched += 1
                    } else {
                        equal = false
                    }
                }
                index += length
            }
        }
        throw .malformed
    }

    /// Decodes the string starting at its opening quote into UTF-8 bytes, consuming it.
    private mutating func decodeString() throws(ScanError) -> [UInt8] {
        index += 1
        var output: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.quote {
                index += 1
                return output
            } else if byte == Self.backslash {
                let scalar = try readEscape()
                if scalar < 0x80 {
                    output.append(UInt8(scalar))
                } else {
                    guard let unicode = Unicode.Scalar(scalar) else { throw .unsupported }
                    output.append(contentsOf: UTF8.encode(unicode)!)
                }
            } else if byte < 0x20 {
                throw .malformed
            } else if byte >= 0x80 {
                let length = try utf8SequenceLength()
                for offset in 0..<length { output.append(bytes[index + offset]) }
                index += length
            } else {
                output.append(byte)
                index += 1
            }
        }
        throw .malformed
    }

    /// Reads an escape sequence at a backslash and returns the scalar it denotes.
    private mutating func readEscape() throws(ScanError) -> UInt32 {
        index += 1
        guard index < bytes.count else { throw .malformed }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return 0x22
        case UInt8(ascii: "\\"): return 0x5C
        case UInt8(ascii: "/"): return 0x2F
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            let unit = try readHex4()
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate must be followed by an escaped low surrogate.
                guard bytes.count - index >= 6, bytes[index] == Self.backslash, bytes[index + 1] == UInt8(ascii: "u")
                else { throw .unsupported }
                index += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw .unsupported }
                return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw .unsupported
            default:
                return unit
            }
        default:
            throw .malformed
        }
    }

    private mutating func readHex4() throws(ScanError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw .malformed }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .malformed
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Validates the multi-byte UTF-8 sequence at `index` and returns its length (well-formed
    /// UTF-8 only: no overlong forms, no surrogates, nothing above U+10FFFF).
    private func utf8SequenceLength() throws(ScanError) -> Int {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw .malformed
        }
        guard bytes.count - index >= length else { throw .malformed }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { throw .malformed }
        for offset in 2..<max(length, 2) where bytes[index + offset] & 0xC0 != 0x80 { throw .malformed }
        return length
    }
}
