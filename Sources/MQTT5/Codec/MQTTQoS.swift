/// The quality of service of a message (MQTT 5 section 4.3); raw values are the wire values.
public enum MQTTQoS: UInt8, Hashable, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// QoS 0: delivered at most once, no acknowledgement.
    case atMostOnce = 0
    /// QoS 1: delivered at least once, acknowledged by PUBACK.
    case atLeastOnce = 1
    /// QoS 2: delivered exactly once, through PUBREC, PUBREL and PUBCOMP.
    case exactlyOnce = 2

    /// Orders by level: QoS 0 < QoS 1 < QoS 2.
    public static func < (lhs: MQTTQoS, rhs: MQTTQoS) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// `"QoS 0"`, `"QoS 1"` or `"QoS 2"`.
    public var description: String { "QoS \(rawValue)" }
}
