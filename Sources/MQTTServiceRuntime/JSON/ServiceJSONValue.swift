/// An arbitrary JSON value: what schema members of type `document` hold (shadow `desired` and
/// `reported`, a job document, metadata).
///
/// Build values with literals:
/// ```swift
/// let desired: ServiceJSONValue = ["color": "red", "brightness": 80, "on": true, "tags": ["a", "b"]]
/// ```
/// and read them with the subscripts and accessors (`desired["color"]?.stringValue`).
///
/// Numbers are `Double`s, so integers beyond 2^53 lose precision; objects are unordered (they
/// encode with sorted keys).
public enum ServiceJSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([ServiceJSONValue])
    /// An object.
    case object([String: ServiceJSONValue])
}
