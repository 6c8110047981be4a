public import Foundation
public import NIOCore

/// The JSON settings of generated services: how payloads are encoded and decoded.
///
/// Output is compact UTF-8 with sorted keys (stable bytes for equal values) and unescaped
/// slashes; dates use epoch seconds (generated models already code their timestamps through
/// ``EpochSeconds``, so this only matters for `Date`s in your own types).
public enum ServiceCoding {
    /// An encoder with the service settings.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }

    /// A decoder with the service settings, carrying `topicPlaceholders` for topic-bound members.
    public static func makeDecoder(topicPlaceholders: [String: String] = [:]) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.userInfo[TopicPlaceholders.userInfoKey] = topicPlaceholders
        return decoder
    }

    /// Encodes a value as a JSON payload.
    ///
    /// This writes the bytes ``makeEncoder()``'s `JSONEncoder` writes, and throws the same
    /// `EncodingError`s, through the runtime's own encoder: ``ServiceJSONValue`` members are
    /// written straight from the value, and no intermediate `Data` is made (a shadow-get
    /// response encodes several times faster).
    public static func encode(_ value: some Encodable) throws -> ByteBuffer {
        try ServiceJSONEncoder().encode(value)
    }

    /// Decodes a JSON payload.
    ///
    /// This reads what ``makeDecoder(topicPlaceholders:)``'s `JSONDecoder` reads, with the same
    /// errors, through the runtime's own parser: ``ServiceJSONValue`` members then decode in one
    /// step instead of probing each JSON type (a shadow document decodes about 20 times faster).
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - payload: The payload.
    ///   - topicPlaceholders: The placeholder values of the topic the payload arrived on, for
    ///     topic-bound members.
    public static func decode<Value: Decodable>(
        _ type: Value.Type, from payload: ByteBuffer, topicPlaceholders: [String: String] = [:]
    ) throws -> Value {
        var decoder = ServiceJSONDecoder()
        // Absent reads as empty (`TopicPlaceholders` then reports the member missing): no
        // dictionary to make for the many payloads decoded without placeholders.
        if !topicPlaceholders.isEmpty { decoder.userInfo[TopicPlaceholders.userInfoKey] = topicPlaceholders }
        return try decoder.decode(Value.self, from: payload)
    }
}
