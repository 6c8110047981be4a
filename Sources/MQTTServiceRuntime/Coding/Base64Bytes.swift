public import Foundation

/// Bytes coded as a base64 JSON string: the wire form of schema `blob` members, independent of
/// the coder's data strategy.
public struct Base64Bytes: Codable, Hashable, Sendable {
    /// The bytes.
    public var data: Data

    /// Wraps bytes.
    public init(_ data: Data) {
        self.data = data
    }

    /// Decodes a base64 string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected base64 text")
        }
        self.data = data
    }

    /// Encodes a base64 string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(data.base64EncodedString())
    }
}
