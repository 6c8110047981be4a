/// The MQTT control packet type: the high nibble of the first byte of every packet
/// (MQTT 5 section 2.1.2).
public enum MQTTPacketType: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// CONNECT (1).
    case connect = 1
    /// CONNACK (2).
    case connAck = 2
    /// PUBLISH (3).
    case publish = 3
    /// PUBACK (4).
    case pubAck = 4
    /// PUBREC (5).
    case pubRec = 5
    /// PUBREL (6).
    case pubRel = 6
    /// PUBCOMP (7).
    case pubComp = 7
    /// SUBSCRIBE (8).
    case subscribe = 8
    /// SUBACK (9).
    case subAck = 9
    /// UNSUBSCRIBE (10).
    case unsubscribe = 10
    /// UNSUBACK (11).
    case unsubAck = 11
    /// PINGREQ (12).
    case pingReq = 12
    /// PINGRESP (13).
    case pingResp = 13
    /// DISCONNECT (14).
    case disconnect = 14
    /// AUTH (15, MQTT 5 only).
    case auth = 15

    /// The upper-case name the spec uses, e.g. `PUBLISH`.
    public var description: String {
        switch self {
        case .connect: "CONNECT"
        case .connAck: "CONNACK"
        case .publish: "PUBLISH"
        case .pubAck: "PUBACK"
        case .pubRec: "PUBREC"
        case .pubRel: "PUBREL"
        case .pubComp: "PUBCOMP"
        case .subscribe: "SUBSCRIBE"
        case .subAck: "SUBACK"
        case .unsubscribe: "UNSUBSCRIBE"
        case .unsubAck: "UNSUBACK"
        case .pingReq: "PINGREQ"
        case .pingResp: "PINGRESP"
        case .disconnect: "DISCONNECT"
        case .auth: "AUTH"
        }
    }

    /// The fixed-header flags (low nibble) the spec requires for this type; PUBLISH has none fixed.
    var requiredFlags: UInt8? {
        switch self {
        case .publish: nil
        case .pubRel, .subscribe, .unsubscribe: 0b0010
        default: 0
        }
    }
}
