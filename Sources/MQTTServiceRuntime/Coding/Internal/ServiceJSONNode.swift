/// A parsed JSON value, as ``ServiceJSONDecoder`` reads it.
///
/// Numbers keep their literal text so that every numeric type decodes exactly what was sent
/// (an `Int64` beyond 2^53, a `Decimal`), as Foundation's `JSONDecoder` does.
enum ServiceJSONNode: Sendable {
    case null
    case bool(Bool)
    /// The number's literal, already checked against the JSON grammar.
    case number(String)
    case string(String)
    case array([ServiceJSONNode])
    /// Members in document order; a repeated name appears twice and its last value counts.
    case object([(key: String, value: ServiceJSONNode)])

    /// What a type-mismatch message calls this value.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "dictionary"
        }
    }

    /// The same value as the public ``ServiceJSONValue``.
    var jsonValue: ServiceJSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        // The literal passed the JSON grammar, which `Double(_:)` accepts (out of range is ±inf).
        case .number(let text): .number(Double(text) ?? .nan)
        case .string(let value): .string(value)
        case .array(let elements): .array(elements.map(\.jsonValue))
        case .object(let members): .object(Self.dictionary(members))
        }
    }

    /// The members as a dictionary, the last of a repeated name winning.
    private static func dictionary(_ members: [(key: String, value: ServiceJSONNode)]) -> [String: ServiceJSONValue] {
        var dictionary: [String: ServiceJSONValue] = [:]
        dictionary.reserveCapacity(members.count)
        for member in members { dictionary[member.key] = member.value.jsonValue }
        return dictionary
    }
}
