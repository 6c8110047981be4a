/// One known value of an enumeration shape.
public struct EnumValueSchema: Sendable, Hashable {
    /// The string on the wire.
    public var value: Sourced<String>
    /// The Swift static member name, when the schema overrides the derived one.
    public var swiftName: Sourced<String>?
    /// The value documentation.
    public var documentation: String?

    /// Creates an enumeration value.
    public init(value: Sourced<String>, swiftName: Sourced<String>?, documentation: String?) {
        self.value = value
        self.swiftName = swiftName
        self.documentation = documentation
    }
}
