import Foundation

/// How generated models read topic-bound members when decoding: from the placeholder values of
/// the topic the message arrived on, which the runtime puts in the decoder's `userInfo`.
///
/// Topic-bound members (a thing name, a shadow name) never travel in the payload, so a request
/// decoded from its payload alone cannot know them. ``ServiceCoding/decode(_:from:topicPlaceholders:)``
/// supplies them.
public enum TopicPlaceholders {
    /// The `userInfo` key holding a `[String: String]` of placeholder values.
    public static let userInfoKey = CodingUserInfoKey(rawValue: "mqtt-service-runtime.topic-placeholders")!

    /// Reads the placeholder `name` as a string or number.
    ///
    /// - Throws: `DecodingError.keyNotFound` when the decoder carries no such placeholder,
    ///   `DecodingError.dataCorrupted` when the value does not convert.
    public static func decode<Value: LosslessStringConvertible>(
        _ type: Value.Type, named name: String, from decoder: any Decoder
    ) throws -> Value {
        let text = try rawValue(named: name, from: decoder)
        guard let value = Value(text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "topic placeholder {\(name)} is '\(text)', not a valid \(Value.self)"))
        }
        return value
    }

    /// Reads the placeholder `name` as an enumeration value.
    public static func decode<Value: RawRepresentable>(
        _ type: Value.Type, named name: String, from decoder: any Decoder
    ) throws -> Value where Value.RawValue == String {
        let text = try rawValue(named: name, from: decoder)
        guard let value = Value(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "topic placeholder {\(name)} is '\(text)', not a valid \(Value.self)"))
        }
        return value
    }

    private static func rawValue(named name: String, from decoder: any Decoder) throws -> String {
        guard let values = decoder.userInfo[userInfoKey] as? [String: String], let value = values[name] else {
            throw DecodingError.keyNotFound(
                ServiceCodingKey(stringValue: name),
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "member '\(name)' is bound to the topic placeholder {\(name)} and is not in the payload; decode with ServiceCoding.decode(_:from:topicPlaceholders:)"
                ))
        }
        return value
    }
}
