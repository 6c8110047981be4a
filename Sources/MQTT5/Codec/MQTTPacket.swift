/// Any MQTT control packet.
///
/// Encode with ``encode(into:version:maximumPacketSize:)``; decode a stream of bytes with
/// ``MQTTFrameDecoder`` (or the NIO handlers ``MQTTPacketDecoder`` and ``MQTTPacketEncoder``).
public enum MQTTPacket: Hashable, Sendable {
    /// CONNECT (client to server).
    case connect(MQTTConnectPacket)
    /// CONNACK (server to client).
    case connAck(MQTTConnAckPacket)
    /// PUBLISH (both directions).
    case publish(MQTTPublishPacket)
    /// PUBACK (both directions).
    case pubAck(MQTTPubAckPacket)
    /// PUBREC (both directions).
    case pubRec(MQTTPubRecPacket)
    /// PUBREL (both directions).
    case pubRel(MQTTPubRelPacket)
    /// PUBCOMP (both directions).
    case pubComp(MQTTPubCompPacket)
    /// SUBSCRIBE (client to server).
    case subscribe(MQTTSubscribePacket)
    /// SUBACK (server to client).
    case subAck(MQTTSubAckPacket)
    /// UNSUBSCRIBE (client to server).
    case unsubscribe(MQTTUnsubscribePacket)
    /// UNSUBACK (server to client).
    case unsubAck(MQTTUnsubAckPacket)
    /// PINGREQ (client to server).
    case pingReq
    /// PINGRESP (server to client).
    case pingResp
    /// DISCONNECT (both directions; server to client in MQTT 5 only).
    case disconnect(MQTTDisconnectPacket)
    /// AUTH (both directions, MQTT 5 only).
    case auth(MQTTAuthPacket)

    /// The control packet type.
    public var packetType: MQTTPacketType {
        switch self {
        case .connect: .connect
        case .connAck: .connAck
        case .publish: .publish
        case .pubAck: .pubAck
        case .pubRec: .pubRec
        case .pubRel: .pubRel
        case .pubComp: .pubComp
        case .subscribe: .subscribe
        case .subAck: .subAck
        case .unsubscribe: .unsubscribe
        case .unsubAck: .unsubAck
        case .pingReq: .pingReq
        case .pingResp: .pingResp
        case .disconnect: .disconnect
        case .auth: .auth
        }
    }
}
