/// A named shape: a structure or an open enumeration.
public struct ShapeSchema: Sendable, Hashable {
    /// What kind of shape this is.
    public enum Kind: Sendable, Hashable {
        /// A JSON object with typed members, in schema order.
        case structure([MemberSchema])
        /// An open set of string values, in schema order.
        case enumeration([EnumValueSchema])
    }

    /// The shape name (a Swift type name).
    public var name: Sourced<String>
    /// The shape documentation.
    public var documentation: String?
    /// The kind and its contents.
    public var kind: Kind

    /// Creates a shape.
    public init(name: Sourced<String>, documentation: String?, kind: Kind) {
        self.name = name
        self.documentation = documentation
        self.kind = kind
    }
}
