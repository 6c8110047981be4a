/// Where a property list appears: each packet type with properties, and the will properties of
/// CONNECT. Decides which properties are allowed (MQTT 5 table 2.2.2.2).
enum MQTTPropertyContext: UInt8, CustomStringConvertible {
    case connect, connAck, publish, will, pubAck, pubRec, pubRel, pubComp
    case subscribe, subAck, unsubscribe, unsubAck, disconnect, auth

    var bit: UInt16 { 1 << UInt16(rawValue) }

    var description: String {
        switch self {
        case .connect: "CONNECT"
        case .connAck: "CONNACK"
        case .publish: "PUBLISH"
        case .will: "will properties"
        case .pubAck: "PUBACK"
        case .pubRec: "PUBREC"
        case .pubRel: "PUBREL"
        case .pubComp: "PUBCOMP"
        case .subscribe: "SUBSCRIBE"
        case .subAck: "SUBACK"
        case .unsubscribe: "UNSUBSCRIBE"
        case .unsubAck: "UNSUBACK"
        case .disconnect: "DISCONNECT"
        case .auth: "AUTH"
        }
    }
}

/// A set of ``MQTTPropertyContext``s as a bit mask.
struct MQTTPropertyContexts {
    var mask: UInt16

    init(_ contexts: MQTTPropertyContext...) {
        mask = contexts.reduce(0) { $0 | $1.bit }
    }

    @inline(__always)
    func contains(_ context: MQTTPropertyContext) -> Bool { mask & context.bit != 0 }

    static let all = MQTTPropertyContexts(
        .connect, .connAck, .publish, .will, .pubAck, .pubRec, .pubRel, .pubComp,
        .subscribe, .subAck, .unsubscribe, .unsubAck, .disconnect, .auth
    )
}
