/// A JSON value that remembers where it came from and keeps object members in source order.
///
/// The schema parser works on these rather than on `JSONSerialization` output so that generated
/// code follows the schema's member order (deterministic output) and every diagnostic can name
/// the line and column of the offending value.
public struct JSONNode: Sendable, Hashable {
    /// The value itself.
    public enum Value: Sendable, Hashable {
        /// `null`.
        case null
        /// `true` or `false`.
        case bool(Bool)
        /// A number, kept as its source text so integers never pass through `Double`.
        case number(String)
        /// A string.
        case string(String)
        /// An array, in source order.
        case array([JSONNode])
        /// An object's members, in source order (keys are unique; the parser rejects duplicates).
        case object([JSONMember])
    }

    /// The value.
    public var value: Value
    /// Where the value starts in the source text.
    public var location: SourceLocation

    /// Creates a node.
    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// A short name of the value's JSON type, for diagnostics ("a string", "an object", ...).
    public var kindDescription: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Hashable {
    /// The member's key.
    public var key: String
    /// Where the key starts.
    public var keyLocation: SourceLocation
    /// The member's value.
    public var value: JSONNode

    /// Creates a member.
    public init(key: String, keyLocation: SourceLocation, value: JSONNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A 1-based line and column in a schema file.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The line, starting at 1.
    public var line: Int
    /// The column in UTF-8 bytes, starting at 1.
    public var column: Int

    /// Creates a location.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}
