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

    /// A dotted path such as `clientToken` or `meta.request.token`.
    ///
    /// Building one allocates nothing: the scanner finds the keys between the dots as it goes
    /// (a request's path is parsed once per request).
    package struct Path: Hashable, Sendable {
        /// The dotted form, e.g. `clientToken`.
        package let dotted: String
        /// How many keys the path has (one more than it has dots).
        package let count: Int

        /// Takes `dotted` as it is; keys are separated by `.`.
        package init(_ dotted: String) {
            var dotted = dotted
            dotted.makeContiguousUTF8()
            self.dotted = dotted
            var dots = 0
            for byte in dotted.utf8 where byte == Self.dot { dots += 1 }
            self.count = dots + 1
        }

        /// The keys, outermost first (allocates; the scanner does not use it).
        package var segments: [[UInt8]] {
            dotted.utf8.split(separator: Self.dot, omittingEmptySubsequences: false).map { Array($0) }
        }

        /// Whether a key is empty (`""`, `a.`, `.a`, `a..b`).
        package var hasEmptyKey: Bool {
            let utf8 = dotted.utf8
            guard let first = utf8.first, let last = utf8.last, first != Self.dot, last != Self.dot else { return true }
            var previous: UInt8 = 0
            for byte in utf8 {
                if byte == Self.dot, previous == Self.dot { return true }
                previous = byte
            }
            return false
        }

        fileprivate static let dot = UInt8(ascii: ".")

        /// Paths are equal when their dotted forms are (the keys follow from it).
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
        // `Path.init` made the dotted form contiguous, so this never copies.
        let outcome = path.dotted.utf8.withContiguousStorageIfAvailable { dotted in
            scan(bytes, path: UnsafeRawBufferPointer(dotted), count: path.count)
        }
        if let outcome { return outcome }
        return Array(path.dotted.utf8).withUnsafeBytes { scan(bytes, path: $0, count: path.count) }
    }

    private static func scan(_ bytes: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer, count: Int) -> Outcome {
        var scanner = Scanner(bytes: bytes, path: path, pathCount: count)
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
    /// The dotted path's UTF-8 bytes.
    let path: UnsafeRawBufferPointer
    /// How many keys `path` has.
    let pathCount: Int
    var index = 0
    var result: JSONTokenScanner.Outcome = .notFound

    init(bytes: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer, pathCount: Int) {
        self.bytes = bytes
        self.path = path
        self.pathCount = pathCount
    }

    /// The bytes of the path's key at `level` (between the `level`-th dot and the next).
    func key(at level: Int) -> UnsafeRawBufferPointer {
        var start = 0
        var dots = 0
        var position = 0
        while position < path.count {
            if path[position] == JSONTokenScanner.Path.dot {
                if dots == level { break }
                dots += 1
                start = position + 1
            }
            position += 1
        }
        return UnsafeRawBufferPointer(rebasing: path[start..<position])
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
        let isTarget = level == pathCount
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
                result = .found(try readString())
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
            let onPath = level >= 0 && level < pathCount
            var matched = false
            if onPath {
                matched = try keyEquals(key(at: level))
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
    private mutating func keyEquals(_ key: UnsafeRawBufferPointer) throws(ScanError) -> Bool {
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
                return try decodeString().elementsEqual(key)
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

    /// Reads the string starting at its opening quote, consuming it. Without escapes (the usual
    /// token) the string is made from the document's bytes directly.
    private mutating func readString() throws(ScanError) -> String {
        let start = index
        try skipString()
        let content = UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<(index - 1)])
        if !content.contains(Self.backslash) { return String(decoding: content, as: UTF8.self) }
        index = start
        return String(decoding: try decodeString(), as: UTF8.self)
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
