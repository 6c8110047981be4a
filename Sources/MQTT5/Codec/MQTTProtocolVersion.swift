/// The MQTT protocol version, with the protocol level byte of CONNECT as raw value.
///
/// MQTT 3.1 (`MQIsdp`, level 3) is the 3.1.1 wire format with another protocol name and level in
/// CONNECT, a client identifier of 1 to 23 characters, and no SUBACK failure code (a refused
/// subscription closes the connection).
public enum MQTTProtocolVersion: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// MQTT 3.1 (protocol name `MQIsdp`, protocol level 3), for old brokers and devices.
    case v3_1 = 3
    /// MQTT 3.1.1 (protocol level 4).
    case v3_1_1 = 4
    /// MQTT 5.0 (protocol level 5).
    case v5_0 = 5

    /// `"3.1"`, `"3.1.1"` or `"5.0"`.
    public var description: String {
        switch self {
        case .v3_1: "3.1"
        case .v3_1_1: "3.1.1"
        case .v5_0: "5.0"
        }
    }

    /// The protocol name of CONNECT: `MQIsdp` for 3.1, `MQTT` otherwise.
    public var protocolName: String { self == .v3_1 ? "MQIsdp" : "MQTT" }

    /// Whether this is one of the 3.x versions (3.1 or 3.1.1), which share a wire format without
    /// properties or reason codes.
    public var isV3: Bool { self != .v5_0 }
}
