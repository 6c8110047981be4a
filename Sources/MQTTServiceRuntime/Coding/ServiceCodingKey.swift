/// A coding key for any string: generated models use it for structures without payload members,
/// which still code as a JSON object (`{}`).
public struct ServiceCodingKey: CodingKey, Hashable, Sendable {
    /// The key.
    public var stringValue: String
    /// Always `nil`.
    public var intValue: Int? { nil }

    /// Creates a key.
    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    /// Returns `nil`: integer keys are not used.
    public init?(intValue: Int) {
        nil
    }
}
