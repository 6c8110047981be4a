/// A member of a structure shape.
public struct MemberSchema: Sendable, Hashable {
    /// The JSON key on the wire (and the name topic placeholders use).
    public var name: Sourced<String>
    /// The Swift property name, when the schema overrides the derived one.
    public var swiftName: Sourced<String>?
    /// The member's type.
    public var type: Sourced<TypeReference>
    /// Whether the member must be present.
    public var isRequired: Bool
    /// Whether the member may be an explicit JSON `null`, distinct from being absent.
    public var isNullable: Bool
    /// The member documentation.
    public var documentation: String?

    /// Creates a member.
    public init(
        name: Sourced<String>, swiftName: Sourced<String>?, type: Sourced<TypeReference>, isRequired: Bool,
        isNullable: Bool, documentation: String?
    ) {
        self.name = name
        self.swiftName = swiftName
        self.type = type
        self.isRequired = isRequired
        self.isNullable = isNullable
        self.documentation = documentation
    }
}
