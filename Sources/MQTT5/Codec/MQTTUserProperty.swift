/// A User Property: a name-value pair of UTF-8 strings (MQTT 5 property `0x26`).
///
/// A packet may carry any number of user properties; the codec keeps their order and duplicates.
public struct MQTTUserProperty: Hashable, Sendable, CustomStringConvertible {
    /// The name.
    public var name: String
    /// The value.
    public var value: String

    /// Creates a user property.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `name=value`.
    public var description: String { "\(name)=\(value)" }
}
