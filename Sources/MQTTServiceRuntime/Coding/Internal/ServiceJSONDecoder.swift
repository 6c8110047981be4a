import Foundation
import NIOCore

/// The runtime's JSON decoder: ``ServiceJSONParser`` then a `Decoder` over the parsed tree.
///
/// It decodes what `ServiceCoding.makeDecoder()`'s `JSONDecoder` decodes, with the same
/// settings (dates as seconds since 1970, `Data` as base64), and the same `DecodingError`s, with
/// two differences: a trailing comma is refused (RFC 8259; Foundation accepts it), and a number
/// that does not fit its type is reported at its coding path (Foundation gives none).
/// It exists for speed: ``ServiceJSONValue`` members (shadow documents) decode by taking the
/// parsed value, where through `JSONDecoder` they can only probe each JSON type in turn, each
/// failed probe costing an error (measured: a shadow-get response took 221 µs that way).
struct ServiceJSONDecoder {
    /// Passed to every `init(from:)`.
    var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Decodes a value from a JSON payload.
    func decode<Value: Decodable>(_ type: Value.Type, from payload: ByteBuffer) throws -> Value {
        let root: ServiceJSONNode
        do {
            root = try payload.withUnsafeReadableBytes { bytes throws(ServiceJSONParser.SyntaxError) in
                try ServiceJSONParser.parse(bytes)
            }
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: [], debugDescription: "The given data was not valid JSON: \(error)",
                    underlyingError: error
                ))
        }
        return try ServiceJSONTreeDecoder(node: root, codingPath: [], userInfo: userInfo).decodeValue(Value.self)
    }
}

/// A `Decoder` over one value of the parsed tree.
struct ServiceJSONTreeDecoder: Decoder {
    let node: ServiceJSONNode
    /// The coding path of the container this value is in; with ``key``, the value's own path,
    /// built only when read (errors, `init(from:)` that asks): a nested value costs no array.
    let parentPath: [any CodingKey]
    /// This value's key in its container (`nil` at the root).
    let key: (any CodingKey)?
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]

    init(node: ServiceJSONNode, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.init(node: node, parentPath: codingPath, key: nil, userInfo: userInfo)
    }

    init(
        node: ServiceJSONNode, parentPath: [any CodingKey], key: (any CodingKey)?,
        userInfo: [CodingUserInfoKey: any Sendable]
    ) {
        self.node = node
        self.parentPath = parentPath
        self.key = key
        self.sendableUserInfo = userInfo
    }

    var codingPath: [any CodingKey] {
        guard let key else { return parentPath }
        return parentPath + [key]
    }

    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else {
            throw mismatch([String: Any].self, node, codingPath)
        }
        return KeyedDecodingContainer(ServiceJSONKeyedContainer<Key>(decoder: self, members: members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = node else {
            throw mismatch([Any].self, node, codingPath)
        }
        return ServiceJSONUnkeyedContainer(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ServiceJSONSingleValueContainer(decoder: self)
    }

    // MARK: Unboxing, shared by the three containers

    /// A child decoder for a nested value of the container at `containerPath` (this decoder's
    /// ``codingPath``, which the container computed once for all its children).
    func child(_ node: ServiceJSONNode, key: any CodingKey, in containerPath: [any CodingKey]) -> ServiceJSONTreeDecoder
    {
        ServiceJSONTreeDecoder(node: node, parentPath: containerPath, key: key, userInfo: sendableUserInfo)
    }

    /// Decodes this decoder's node as `Value`, with Foundation's special cases.
    func decodeValue<Value: Decodable>(_ type: Value.Type) throws -> Value {
        if Value.self == ServiceJSONValue.self {
            return node.jsonValue as! Value
        }
        if Value.self == Date.self {
            let seconds = try unboxFloatingPoint(Double.self, node, codingPath)
            return Date(timeIntervalSince1970: seconds) as! Value
        }
        if Value.self == Data.self {
            let text = try unboxString(node, codingPath)
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: codingPath, debugDescription: "Encountered Data is not valid Base64."))
            }
            return data as! Value
        }
        if Value.self == URL.self {
            let text = try unboxString(node, codingPath)
            guard let url = URL(string: text) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: codingPath, debugDescription: "Invalid URL string."))
            }
            return url as! Value
        }
        if Value.self == Decimal.self {
            guard case .number(let text) = node else { throw mismatch(Decimal.self, node, codingPath) }
            guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: codingPath,
                        debugDescription: "Parsed JSON number <\(text)> does not fit in Decimal."))
            }
            return decimal as! Value
        }
        return try Value(from: self)
    }

    func unboxBool(_ node: ServiceJSONNode, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let value) = node else { throw mismatch(Bool.self, node, path()) }
        return value
    }

    func unboxString(_ node: ServiceJSONNode, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let value) = node else { throw mismatch(String.self, node, path()) }
        return value
    }

    func unboxFloatingPoint<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ type: Value.Type, _ node: ServiceJSONNode, _ path: @autoclosure () -> [any CodingKey]
    ) throws -> Value {
        guard case .number(let text) = node else { throw mismatch(Value.self, node, path()) }
        guard let value = Value(text), value.isFinite else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: path(), debugDescription: "Parsed JSON number <\(text)> does not fit in \(Value.self).")
            )
        }
        return value
    }

    func unboxInteger<Value: FixedWidthInteger>(
        _ type: Value.Type, _ node: ServiceJSONNode, _ path: @autoclosure () -> [any CodingKey]
    ) throws -> Value {
        guard case .number(let text) = node else { throw mismatch(Value.self, node, path()) }
        if let value = Value(text, radix: 10) { return value }
        // `1e3` or `5.0`: an integer written another way decodes if it is exact.
        if let double = Double(text), let value = Value(exactly: double) { return value }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: path(), debugDescription: "Parsed JSON number <\(text)> does not fit in \(Value.self)."))
    }

    func mismatch(_ type: Any.Type, _ node: ServiceJSONNode, _ path: [any CodingKey]) -> DecodingError {
        if case .null = node {
            return DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: path, debugDescription: "Expected \(type) value but found null instead."))
        }
        return DecodingError.typeMismatch(
            type,
            DecodingError.Context(
                codingPath: path,
                debugDescription: "Expected to decode \(type) but found \(node.kindDescription) instead."))
    }
}

/// A coding key for array positions in coding paths.
struct ServiceJSONIndexKey: CodingKey {
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
    let index: Int

    init(index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }
}
