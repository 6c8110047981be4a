/// The MQTT protocol version, with the protocol level byte of CONNECT as raw value.
public enum MQTTProtocolVersion: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// MQTT 3.1.1 (protocol level 4).
    case v3_1_1 = 4
    /// MQTT 5.0 (protocol level 5).
    case v5_0 = 5

    /// `"3.1.1"` or `"5.0"`.
    public var description: String {
        switch self {
        case .v3_1_1: "3.1.1"
        case .v5_0: "5.0"
        }
    }
}
