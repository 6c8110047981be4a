/// The Payload Format Indicator property (MQTT 5 section 3.3.2.3.2).
public enum MQTTPayloadFormat: UInt8, Hashable, Sendable, CaseIterable {
    /// Unspecified bytes (the default when the property is absent).
    case bytes = 0
    /// UTF-8 encoded character data.
    case utf8 = 1
}
