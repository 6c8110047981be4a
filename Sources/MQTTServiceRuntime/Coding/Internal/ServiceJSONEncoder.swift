import Foundation
import NIOCore

/// The runtime's JSON encoder: an `Encoder` that builds a small tree of ``ServiceJSONOutput``,
/// then ``ServiceJSONWriter`` writes it.
///
/// It writes what `ServiceCoding.makeEncoder()`'s `JSONEncoder` writes, byte for byte: compact,
/// keys sorted, slashes unescaped, dates as seconds since 1970, `Data` as base64, and it throws
/// the same `EncodingError` for a number JSON cannot hold (NaN, infinity). It exists for speed:
/// ``ServiceJSONValue`` members (shadow documents) are written straight from the value instead
/// of through a keyed container per object and a dynamic cast per member, and no intermediate
/// `Data` is made (measured: `JSONEncoder` took a third of a shadow service's CPU).
struct ServiceJSONEncoder {
    /// Passed to every `encode(to:)`.
    var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Encodes `value` as a JSON payload.
    func encode<Value: Encodable>(
        _ value: Value, allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws
        -> ByteBuffer
    {
        let output = try ServiceJSONTreeEncoder.box(value, parent: nil, key: nil, userInfo: userInfo)
        var writer = ServiceJSONWriter()
        try writer.writeTree(output)
        var buffer = allocator.buffer(capacity: writer.bytes.count)
        buffer.writeBytes(writer.bytes)
        return buffer
    }
}

/// A value being encoded. Containers are references, so a container handed out by an encoder
/// keeps writing into the tree after the call that made it returned.
enum ServiceJSONOutput {
    case null
    case bool(Bool)
    /// A number's literal, already in JSON form.
    case number(String)
    case string(String)
    /// A document value, written as ``ServiceJSONValue/encode(to:)`` encodes it.
    case document(ServiceJSONValue)
    case array(ServiceJSONArrayStorage)
    case object(ServiceJSONObjectStorage)
    /// What a super encoder holds, read when the tree is written.
    case encoder(ServiceJSONTreeEncoder)
}

/// The elements of an array being encoded.
final class ServiceJSONArrayStorage {
    var elements: [ServiceJSONOutput] = []
}

/// The members of an object being encoded, in encoding order; a repeated key's last value counts.
final class ServiceJSONObjectStorage {
    var members: [(key: String, value: ServiceJSONOutput)] = []
}

/// An `Encoder` for one value of the tree.
///
/// The coding path is kept as a link to the parent encoder and computed only when asked (for an
/// error or by a type that reads it), so encoding a member costs no array of keys.
final class ServiceJSONTreeEncoder: Encoder {
    private let parent: ServiceJSONTreeEncoder?
    private let key: (any CodingKey)?
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    /// What was encoded so far; `nil` until a container was asked for.
    var output: ServiceJSONOutput?

    init(
        parent: ServiceJSONTreeEncoder?, key: (any CodingKey)?, userInfo: [CodingUserInfoKey: any Sendable],
        output: ServiceJSONOutput? = nil
    ) {
        self.parent = parent
        self.key = key
        self.sendableUserInfo = userInfo
        self.output = output
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var encoder: ServiceJSONTreeEncoder? = self
        while let current = encoder {
            if let key = current.key { path.append(key) }
            encoder = current.parent
        }
        return path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    /// The finished value: an empty object when nothing was encoded, as with `JSONEncoder`.
    var value: ServiceJSONOutput { output ?? .object(ServiceJSONObjectStorage()) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let storage: ServiceJSONObjectStorage
        switch output {
        case .object(let existing)?:
            storage = existing
        case nil:
            storage = ServiceJSONObjectStorage()
            output = .object(storage)
        default:
            preconditionFailure(
                "Attempt to push new keyed encoding container when already previously encoded at this path.")
        }
        return KeyedEncodingContainer(ServiceJSONKeyedEncodingContainer<Key>(encoder: self, storage: storage))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let storage: ServiceJSONArrayStorage
        switch output {
        case .array(let existing)?:
            storage = existing
        case nil:
            storage = ServiceJSONArrayStorage()
            output = .array(storage)
        default:
            preconditionFailure(
                "Attempt to push new unkeyed encoding container when already previously encoded at this path.")
        }
        return ServiceJSONUnkeyedEncodingContainer(encoder: self, storage: storage)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        ServiceJSONSingleValueEncodingContainer(encoder: self)
    }

    /// A child encoder at `key`, already holding `output` (for nested containers).
    func child(key: any CodingKey, output: ServiceJSONOutput? = nil) -> ServiceJSONTreeEncoder {
        ServiceJSONTreeEncoder(parent: self, key: key, userInfo: sendableUserInfo, output: output)
    }

    /// Encodes a nested value at `key` (`nil`: in place, for single-value containers).
    func box<Value: Encodable>(_ value: Value, key: (any CodingKey)?) throws -> ServiceJSONOutput {
        try Self.box(value, parent: self, key: key, userInfo: sendableUserInfo)
    }

    /// Encodes `value`, with `JSONEncoder`'s special cases (under the service settings) and fast
    /// paths for the common leaves.
    static func box<Value: Encodable>(
        _ value: Value, parent: ServiceJSONTreeEncoder?, key: (any CodingKey)?,
        userInfo: [CodingUserInfoKey: any Sendable]
    ) throws -> ServiceJSONOutput {
        // Exact type checks first: a metatype comparison is a pointer comparison.
        if Value.self == String.self { return .string(value as! String) }
        if Value.self == ServiceJSONValue.self { return .document(value as! ServiceJSONValue) }
        if Value.self == Int.self { return .number(String(value as! Int)) }
        if Value.self == Bool.self { return .bool(value as! Bool) }
        if Value.self == Double.self {
            return try number(value as! Double, path: path(parent, key))
        }
        if Value.self == Date.self {
            return try number((value as! Date).timeIntervalSince1970, path: path(parent, key))
        }
        if Value.self == Data.self { return .string((value as! Data).base64EncodedString()) }
        if Value.self == URL.self { return .string((value as! URL).absoluteString) }
        if Value.self == Decimal.self { return .number((value as! Decimal).description) }
        let encoder = ServiceJSONTreeEncoder(parent: parent, key: key, userInfo: userInfo)
        try value.encode(to: encoder)
        return encoder.value
    }

    /// A floating-point number as `JSONEncoder` writes it (``ServiceJSONWriter/literal(_:)``); NaN
    /// and infinity throw.
    static func number<Value: BinaryFloatingPoint & CustomStringConvertible>(
        _ value: Value, path: @autoclosure () -> [any CodingKey]
    ) throws -> ServiceJSONOutput {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: path(), debugDescription: "Unable to encode \(Value.self).\(value) directly in JSON."))
        }
        return .number(ServiceJSONWriter.literal(value))
    }

    private static func path(_ parent: ServiceJSONTreeEncoder?, _ key: (any CodingKey)?) -> [any CodingKey] {
        (parent?.codingPath ?? []) + (key.map { [$0] } ?? [])
    }
}
