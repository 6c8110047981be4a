/// The type of a member as written: a primitive, a named shape, or a list or map of types.
public indirect enum TypeReference: Sendable, Hashable {
    /// A built-in type.
    case primitive(PrimitiveType)
    /// A structure or enumeration shape, by name.
    case shape(String)
    /// A JSON array.
    case list(Sourced<TypeReference>)
    /// A JSON object with arbitrary keys; `key` is `nil` for string keys or names an enumeration.
    case map(key: Sourced<TypeReference>?, value: Sourced<TypeReference>)
}

/// The built-in member types.
public enum PrimitiveType: String, Sendable, Hashable, CaseIterable {
    /// A JSON string (`String`).
    case string
    /// A JSON integer (`Int`).
    case integer
    /// A JSON integer that needs 64 bits on every platform (`Int64`).
    case long
    /// A JSON number (`Double`).
    case double
    /// A JSON boolean (`Bool`).
    case boolean
    /// Seconds since 1970-01-01T00:00:00Z as a JSON number (`Date`).
    case timestamp
    /// Bytes as a base64 JSON string (`Data`).
    case blob
    /// Any JSON value (`ServiceJSONValue`).
    case document
}
