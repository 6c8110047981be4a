/// Writes an encoded tree as compact JSON with sorted keys, the bytes `JSONEncoder` writes with
/// `[.sortedKeys, .withoutEscapingSlashes]`.
struct ServiceJSONWriter {
    private(set) var bytes: [UInt8] = []

    /// A number JSON cannot hold inside a document value, found while writing; the path is
    /// collected while the error unwinds, so writing costs nothing for it.
    private struct NonFiniteNumber: Error {
        var value: Double
        var reversedPath: [any CodingKey] = []
    }

    /// Writes the tree; a non-finite number inside a document throws `JSONEncoder`'s
    /// `EncodingError` at its coding path.
    mutating func writeTree(_ output: ServiceJSONOutput) throws {
        do {
            try write(output)
        } catch let error as NonFiniteNumber {
            throw EncodingError.invalidValue(
                error.value,
                EncodingError.Context(
                    codingPath: error.reversedPath.reversed(),
                    debugDescription: "Unable to encode Double.\(error.value) directly in JSON."))
        }
    }

    /// Runs `body`, adding `key` to the path of a ``NonFiniteNumber`` it throws.
    private static func at<Key: CodingKey>(_ key: @autoclosure () -> Key, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch var error as NonFiniteNumber {
            error.reversedPath.append(key())
            throw error
        }
    }

    init() {
        bytes.reserveCapacity(256)
    }

    private mutating func write(_ output: ServiceJSONOutput) throws {
        switch output {
        case .null: append("null")
        case .bool(let value): append(value ? "true" : "false")
        case .number(let literal): append(literal)
        case .string(let value): writeString(value)
        case .document(let value): try write(value)
        case .encoder(let encoder): try write(encoder.value)
        case .array(let storage):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in storage.elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                try Self.at(ServiceJSONIndexKey(index: position)) { try write(element) }
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let storage):
            // Stable: of members with the same key, the last one encoded is written.
            let members = storage.members.count > 1 ? storage.members.sorted { $0.key < $1.key } : storage.members
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for position in members.indices {
                if position + 1 < members.endIndex, members[position + 1].key == members[position].key { continue }
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                writeString(members[position].key)
                bytes.append(UInt8(ascii: ":"))
                try Self.at(ServiceCodingKey(stringValue: members[position].key)) { try write(members[position].value) }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a document value as ``ServiceJSONValue/encode(to:)`` encodes it: whole numbers within
    /// ±2^53 as integers.
    private mutating func write(_ value: ServiceJSONValue) throws {
        switch value {
        case .null: append("null")
        case .bool(let value): append(value ? "true" : "false")
        case .number(let number):
            if number.rounded() == number, abs(number) <= 9_007_199_254_740_992 {
                append(String(Int64(number)))
            } else {
                guard number.isFinite else { throw NonFiniteNumber(value: number) }
                append(Self.literal(number))
            }
        case .string(let text): writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                try Self.at(ServiceJSONIndexKey(index: position)) { try write(element) }
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            if members.count == 1, let (key, member) = members.first {
                // Nothing to sort (and no array of keys to allocate): common in shadow metadata.
                try writeMember(key, member)
            } else {
                var first = true
                for key in members.keys.sorted() {
                    if !first { bytes.append(UInt8(ascii: ",")) }
                    first = false
                    try writeMember(key, members[key]!)
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func writeMember(_ key: String, _ value: ServiceJSONValue) throws {
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        try Self.at(ServiceCodingKey(stringValue: key)) { try write(value) }
    }

    /// A finite floating-point number as `JSONEncoder` writes it: its shortest round-tripping
    /// form, without a `.0` for whole values.
    static func literal<Value: BinaryFloatingPoint & CustomStringConvertible>(_ value: Value) -> String {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A quoted string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00XX`;
    /// everything else (slashes, non-ASCII) as it is.
    private mutating func writeString(_ text: String) {
        var text = text
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    // \u00XX, lowercase hex as `JSONEncoder` writes it.
                    let low = byte & 0xF
                    bytes.append(UInt8(ascii: "u"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0") + (byte >> 4))
                    bytes.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
