import NIOCore
import Testing
@testable import MQTT5

/// A packet and the exact bytes the spec's encoding rules give for it.
struct MQTTPacketVector: Sendable, CustomTestStringConvertible {
    var name: String
    var version: MQTTProtocolVersion
    var packet: MQTTPacket
    var bytes: [UInt8]

    var testDescription: String { "\(name) (MQTT \(version))" }
}

/// Byte-exact vectors for every packet type in both protocol versions, computed by hand from
/// the spec's encoding rules. Comments give the meaning of each group of bytes.
enum MQTTPacketVectors {
    static func b(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
    static func b(_ string: String) -> ByteBuffer { ByteBuffer(string: string) }

    static var all: [MQTTPacketVector] { v5 + v311 }

    // MARK: MQTT 5

    static var v5: [MQTTPacketVector] {
        var connectProperties = MQTTProperties()
        connectProperties.sessionExpiryInterval = 120
        connectProperties.receiveMaximum = 10

        var willProperties = MQTTProperties()
        willProperties.willDelayInterval = 5

        var connAckProperties = MQTTProperties()
        connAckProperties.assignedClientIdentifier = "x"
        connAckProperties.topicAliasMaximum = 10
        connAckProperties.maximumQoS = .atLeastOnce
        connAckProperties.retainAvailable = false
        connAckProperties.userProperties = [MQTTUserProperty(name: "a", value: "b")]

        var publishProperties = MQTTProperties()
        publishProperties.payloadFormatIndicator = .utf8
        publishProperties.messageExpiryInterval = 60
        publishProperties.contentType = "t"
        publishProperties.responseTopic = "r"
        publishProperties.correlationData = b([0xCA, 0xFE])
        publishProperties.subscriptionIdentifiers = [1, 200]
        publishProperties.topicAlias = 3
        publishProperties.userProperties = [MQTTUserProperty(name: "k", value: "v")]

        var aliasOnly = MQTTProperties()
        aliasOnly.topicAlias = 5

        var reasonNo = MQTTProperties()
        reasonNo.reasonString = "no"

        var userAB = MQTTProperties()
        userAB.userProperties = [MQTTUserProperty(name: "a", value: "b")]

        var subscriptionIdentifier = MQTTProperties()
        subscriptionIdentifier.subscriptionIdentifiers = [5]

        var reasonOK = MQTTProperties()
        reasonOK.reasonString = "ok"

        var serverReference = MQTTProperties()
        serverReference.serverReference = "s"

        var authProperties = MQTTProperties()
        authProperties.authenticationMethod = "m"
        authProperties.authenticationData = b([0x01])

        return [
            MQTTPacketVector(
                name: "CONNECT with properties", version: .v5_0,
                packet: .connect(
                    MQTTConnectPacket(keepAlive: 60, clientIdentifier: "c1", properties: connectProperties)),
                bytes: [
                    0x10, 0x17,  // CONNECT, remaining length 23
                    0x00, 0x04, 0x4D, 0x51, 0x54, 0x54,  // "MQTT"
                    0x05,  // protocol level 5
                    0x02,  // flags: clean start
                    0x00, 0x3C,  // keep alive 60
                    0x08,  // property length 8
                    0x11, 0x00, 0x00, 0x00, 0x78,  // session expiry interval 120
                    0x21, 0x00, 0x0A,  // receive maximum 10
                    0x00, 0x02, 0x63, 0x31,  // client identifier "c1"
                ]
            ),
            MQTTPacketVector(
                name: "CONNECT with will, user name and password", version: .v5_0,
                packet: .connect(
                    MQTTConnectPacket(
                        keepAlive: 10, clientIdentifier: "id", username: "u", password: b("p"),
                        will: MQTTWill(
                            topic: "w/t", payload: b("bye"), qos: .atLeastOnce, retain: true, properties: willProperties
                        )
                    )),
                bytes: [
                    0x10, 0x25,  // CONNECT, remaining length 37
                    0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05,  // "MQTT", level 5
                    0xEE,  // user name, password, will retain, will QoS 1, will, clean start
                    0x00, 0x0A,  // keep alive 10
                    0x00,  // no properties
                    0x00, 0x02, 0x69, 0x64,  // client identifier "id"
                    0x05, 0x18, 0x00, 0x00, 0x00, 0x05,  // will properties: will delay interval 5
                    0x00, 0x03, 0x77, 0x2F, 0x74,  // will topic "w/t"
                    0x00, 0x03, 0x62, 0x79, 0x65,  // will payload "bye"
                    0x00, 0x01, 0x75,  // user name "u"
                    0x00, 0x01, 0x70,  // password "p"
                ]
            ),
            MQTTPacketVector(
                name: "CONNACK with properties", version: .v5_0,
                packet: .connAck(
                    MQTTConnAckPacket(sessionPresent: true, reasonCode: .success, properties: connAckProperties)),
                bytes: [
                    0x20, 0x15,  // CONNACK, remaining length 21
                    0x01,  // session present
                    0x00,  // success
                    0x12,  // property length 18
                    0x12, 0x00, 0x01, 0x78,  // assigned client identifier "x"
                    0x22, 0x00, 0x0A,  // topic alias maximum 10
                    0x24, 0x01,  // maximum QoS 1
                    0x25, 0x00,  // retain available false
                    0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62,  // user property a=b
                ]
            ),
            MQTTPacketVector(
                name: "CONNACK refused", version: .v5_0,
                packet: .connAck(MQTTConnAckPacket(reasonCode: .notAuthorized)),
                bytes: [0x20, 0x03, 0x00, 0x87, 0x00]  // CONNACK, no session, 0x87, no properties
            ),
            MQTTPacketVector(
                name: "PUBLISH QoS 1 with every PUBLISH property", version: .v5_0,
                packet: .publish(
                    MQTTPublishPacket(
                        topic: "a/b", payload: b("hi"), qos: .atLeastOnce, retain: true, dup: true,
                        packetIdentifier: 10, properties: publishProperties
                    )),
                bytes: [
                    0x3B, 0x2D,  // PUBLISH DUP QoS 1 RETAIN, remaining length 45
                    0x00, 0x03, 0x61, 0x2F, 0x62,  // topic "a/b"
                    0x00, 0x0A,  // packet identifier 10
                    0x23,  // property length 35
                    0x01, 0x01,  // payload format: UTF-8
                    0x02, 0x00, 0x00, 0x00, 0x3C,  // message expiry interval 60
                    0x03, 0x00, 0x01, 0x74,  // content type "t"
                    0x08, 0x00, 0x01, 0x72,  // response topic "r"
                    0x09, 0x00, 0x02, 0xCA, 0xFE,  // correlation data CA FE
                    0x0B, 0x01,  // subscription identifier 1
                    0x0B, 0xC8, 0x01,  // subscription identifier 200 (two-byte VBI)
                    0x23, 0x00, 0x03,  // topic alias 3
                    0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76,  // user property k=v
                    0x68, 0x69,  // payload "hi"
                ]
            ),
            MQTTPacketVector(
                name: "PUBLISH QoS 0 with empty topic and topic alias", version: .v5_0,
                packet: .publish(MQTTPublishPacket(topic: "", payload: b("x"), properties: aliasOnly)),
                bytes: [
                    0x30, 0x07,  // PUBLISH QoS 0, remaining length 7
                    0x00, 0x00,  // empty topic
                    0x03, 0x23, 0x00, 0x05,  // properties: topic alias 5
                    0x78,  // payload "x"
                ]
            ),
            MQTTPacketVector(
                name: "PUBLISH with a 200-byte payload (two-byte remaining length)", version: .v5_0,
                packet: .publish(MQTTPublishPacket(topic: "t", payload: b([UInt8](repeating: 0x55, count: 200)))),
                bytes: [0x30, 0xCC, 0x01, 0x00, 0x01, 0x74, 0x00] + [UInt8](repeating: 0x55, count: 200)
                // remaining length 3 + 1 + 200 = 204 = 0xCC 0x01
            ),
            MQTTPacketVector(
                name: "PUBACK success (short form)", version: .v5_0,
                packet: .pubAck(MQTTPubAckPacket(packetIdentifier: 10)),
                bytes: [0x40, 0x02, 0x00, 0x0A]  // PUBACK, identifier 10; reason code omitted
            ),
            MQTTPacketVector(
                name: "PUBACK with reason code only", version: .v5_0,
                packet: .pubAck(MQTTPubAckPacket(packetIdentifier: 10, reasonCode: .noMatchingSubscribers)),
                bytes: [0x40, 0x03, 0x00, 0x0A, 0x10]  // property length omitted
            ),
            MQTTPacketVector(
                name: "PUBACK with reason string", version: .v5_0,
                packet: .pubAck(
                    MQTTPubAckPacket(packetIdentifier: 10, reasonCode: .noMatchingSubscribers, properties: reasonNo)),
                bytes: [
                    0x40, 0x09, 0x00, 0x0A, 0x10,  // PUBACK, identifier 10, 0x10
                    0x05, 0x1F, 0x00, 0x02, 0x6E, 0x6F,  // reason string "no"
                ]
            ),
            MQTTPacketVector(
                name: "PUBREC error", version: .v5_0,
                packet: .pubRec(MQTTPubRecPacket(packetIdentifier: 1, reasonCode: .unspecifiedError)),
                bytes: [0x50, 0x03, 0x00, 0x01, 0x80]
            ),
            MQTTPacketVector(
                name: "PUBREL success", version: .v5_0,
                packet: .pubRel(MQTTPubRelPacket(packetIdentifier: 1)),
                bytes: [0x62, 0x02, 0x00, 0x01]  // PUBREL has flags 0b0010
            ),
            MQTTPacketVector(
                name: "PUBREL identifier not found", version: .v5_0,
                packet: .pubRel(MQTTPubRelPacket(packetIdentifier: 1, reasonCode: .packetIdentifierNotFound)),
                bytes: [0x62, 0x03, 0x00, 0x01, 0x92]
            ),
            MQTTPacketVector(
                name: "PUBCOMP with user property", version: .v5_0,
                packet: .pubComp(MQTTPubCompPacket(packetIdentifier: 1, properties: userAB)),
                bytes: [
                    0x70, 0x0B, 0x00, 0x01, 0x00,  // PUBCOMP, identifier 1, success
                    0x07, 0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62,  // user property a=b
                ]
            ),
            MQTTPacketVector(
                name: "SUBSCRIBE with options and subscription identifier", version: .v5_0,
                packet: .subscribe(
                    MQTTSubscribePacket(
                        packetIdentifier: 1,
                        subscriptions: [
                            MQTTSubscription(
                                topicFilter: "a/+", qos: .atLeastOnce, noLocal: true, retainAsPublished: true,
                                retainHandling: .doNotSend),
                            MQTTSubscription(
                                topicFilter: "$share/g/x", qos: .atMostOnce, retainHandling: .sendOnSubscribeIfNew),
                        ],
                        properties: subscriptionIdentifier
                    )),
                bytes: [
                    0x82, 0x18,  // SUBSCRIBE (flags 0b0010), remaining length 24
                    0x00, 0x01,  // packet identifier 1
                    0x02, 0x0B, 0x05,  // subscription identifier 5
                    0x00, 0x03, 0x61, 0x2F, 0x2B, 0x2D,  // "a/+": QoS 1, no local, RAP, retain handling 2
                    0x00, 0x0A, 0x24, 0x73, 0x68, 0x61, 0x72, 0x65, 0x2F, 0x67, 0x2F, 0x78,
                    0x10,  // "$share/g/x": QoS 0, retain handling 1
                ]
            ),
            MQTTPacketVector(
                name: "SUBACK with reason string", version: .v5_0,
                packet: .subAck(
                    MQTTSubAckPacket(
                        packetIdentifier: 1, reasonCodes: [.grantedQoS1, .grantedQoS0, .notAuthorized],
                        properties: reasonOK)),
                bytes: [
                    0x90, 0x0B, 0x00, 0x01,  // SUBACK, identifier 1
                    0x05, 0x1F, 0x00, 0x02, 0x6F, 0x6B,  // reason string "ok"
                    0x01, 0x00, 0x87,  // granted QoS 1, granted QoS 0, not authorized
                ]
            ),
            MQTTPacketVector(
                name: "UNSUBSCRIBE with user property", version: .v5_0,
                packet: .unsubscribe(
                    MQTTUnsubscribePacket(packetIdentifier: 3, topicFilters: ["a/b"], properties: userAB)),
                bytes: [
                    0xA2, 0x0F, 0x00, 0x03,  // UNSUBSCRIBE (flags 0b0010), identifier 3
                    0x07, 0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62,  // user property a=b
                    0x00, 0x03, 0x61, 0x2F, 0x62,  // "a/b"
                ]
            ),
            MQTTPacketVector(
                name: "UNSUBACK", version: .v5_0,
                packet: .unsubAck(
                    MQTTUnsubAckPacket(packetIdentifier: 3, reasonCodes: [.success, .noSubscriptionExisted])),
                bytes: [0xB0, 0x05, 0x00, 0x03, 0x00, 0x00, 0x11]  // identifier 3, no properties, 0x00 0x11
            ),
            MQTTPacketVector(name: "PINGREQ", version: .v5_0, packet: .pingReq, bytes: [0xC0, 0x00]),
            MQTTPacketVector(name: "PINGRESP", version: .v5_0, packet: .pingResp, bytes: [0xD0, 0x00]),
            MQTTPacketVector(
                name: "DISCONNECT normal (short form)", version: .v5_0,
                packet: .disconnect(MQTTDisconnectPacket()),
                bytes: [0xE0, 0x00]
            ),
            MQTTPacketVector(
                name: "DISCONNECT with will message", version: .v5_0,
                packet: .disconnect(MQTTDisconnectPacket(reasonCode: .disconnectWithWillMessage)),
                bytes: [0xE0, 0x01, 0x04]
            ),
            MQTTPacketVector(
                name: "DISCONNECT with server reference", version: .v5_0,
                packet: .disconnect(MQTTDisconnectPacket(reasonCode: .sessionTakenOver, properties: serverReference)),
                bytes: [0xE0, 0x06, 0x8E, 0x04, 0x1C, 0x00, 0x01, 0x73]
            ),
            MQTTPacketVector(
                name: "AUTH success (short form)", version: .v5_0, packet: .auth(MQTTAuthPacket()), bytes: [0xF0, 0x00]),
            MQTTPacketVector(
                name: "AUTH continue", version: .v5_0,
                packet: .auth(MQTTAuthPacket(reasonCode: .continueAuthentication, properties: authProperties)),
                bytes: [
                    0xF0, 0x0A, 0x18, 0x08,  // AUTH, continue authentication, property length 8
                    0x15, 0x00, 0x01, 0x6D,  // authentication method "m"
                    0x16, 0x00, 0x01, 0x01,  // authentication data 01
                ]
            ),
        ]
    }

    // MARK: MQTT 3.1.1

    static var v311: [MQTTPacketVector] {
        [
            MQTTPacketVector(
                name: "CONNECT with will, user name and password", version: .v3_1_1,
                packet: .connect(
                    MQTTConnectPacket(
                        protocolVersion: .v3_1_1, keepAlive: 10, clientIdentifier: "id", username: "u",
                        password: b("p"),
                        will: MQTTWill(topic: "w/t", payload: b("bye"), qos: .atLeastOnce, retain: true)
                    )),
                bytes: [
                    0x10, 0x1E,  // CONNECT, remaining length 30
                    0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04,  // "MQTT", level 4
                    0xEE, 0x00, 0x0A,  // flags, keep alive 10
                    0x00, 0x02, 0x69, 0x64,  // client identifier "id"
                    0x00, 0x03, 0x77, 0x2F, 0x74,  // will topic "w/t"
                    0x00, 0x03, 0x62, 0x79, 0x65,  // will message "bye"
                    0x00, 0x01, 0x75, 0x00, 0x01, 0x70,  // user name "u", password "p"
                ]
            ),
            MQTTPacketVector(
                name: "CONNECT minimal, persistent session", version: .v3_1_1,
                packet: .connect(
                    MQTTConnectPacket(protocolVersion: .v3_1_1, cleanStart: false, keepAlive: 0, clientIdentifier: "c")),
                bytes: [0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x63]
            ),
            MQTTPacketVector(
                name: "CONNACK session present", version: .v3_1_1,
                packet: .connAck(MQTTConnAckPacket(sessionPresent: true)),
                bytes: [0x20, 0x02, 0x01, 0x00]
            ),
            MQTTPacketVector(
                name: "CONNACK return code 5 (not authorized)", version: .v3_1_1,
                packet: .connAck(MQTTConnAckPacket(reasonCode: .notAuthorized)),
                bytes: [0x20, 0x02, 0x00, 0x05]
            ),
            MQTTPacketVector(
                name: "CONNACK return code 1 (unacceptable protocol version)", version: .v3_1_1,
                packet: .connAck(MQTTConnAckPacket(reasonCode: .unsupportedProtocolVersion)),
                bytes: [0x20, 0x02, 0x00, 0x01]
            ),
            MQTTPacketVector(
                name: "PUBLISH QoS 2", version: .v3_1_1,
                packet: .publish(
                    MQTTPublishPacket(topic: "a/b", payload: b("hi"), qos: .exactlyOnce, packetIdentifier: 0x1234)),
                bytes: [0x34, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x12, 0x34, 0x68, 0x69]
            ),
            MQTTPacketVector(
                name: "PUBLISH QoS 0 retained, empty payload", version: .v3_1_1,
                packet: .publish(MQTTPublishPacket(topic: "a", payload: ByteBuffer(), retain: true)),
                bytes: [0x31, 0x03, 0x00, 0x01, 0x61]
            ),
            MQTTPacketVector(
                name: "PUBACK", version: .v3_1_1, packet: .pubAck(MQTTPubAckPacket(packetIdentifier: 10)),
                bytes: [0x40, 0x02, 0x00, 0x0A]),
            MQTTPacketVector(
                name: "PUBREC", version: .v3_1_1, packet: .pubRec(MQTTPubRecPacket(packetIdentifier: 1)),
                bytes: [0x50, 0x02, 0x00, 0x01]),
            MQTTPacketVector(
                name: "PUBREL", version: .v3_1_1, packet: .pubRel(MQTTPubRelPacket(packetIdentifier: 1)),
                bytes: [0x62, 0x02, 0x00, 0x01]),
            MQTTPacketVector(
                name: "PUBCOMP", version: .v3_1_1, packet: .pubComp(MQTTPubCompPacket(packetIdentifier: 1)),
                bytes: [0x70, 0x02, 0x00, 0x01]),
            MQTTPacketVector(
                name: "SUBSCRIBE", version: .v3_1_1,
                packet: .subscribe(
                    MQTTSubscribePacket(
                        packetIdentifier: 2, subscriptions: [MQTTSubscription(topicFilter: "a/#", qos: .exactlyOnce)])),
                bytes: [0x82, 0x08, 0x00, 0x02, 0x00, 0x03, 0x61, 0x2F, 0x23, 0x02]  // identifier 2, "a/#", QoS 2
            ),
            MQTTPacketVector(
                name: "SUBACK with failure", version: .v3_1_1,
                packet: .subAck(MQTTSubAckPacket(packetIdentifier: 2, reasonCodes: [.grantedQoS2, .unspecifiedError])),
                bytes: [0x90, 0x04, 0x00, 0x02, 0x02, 0x80]
            ),
            MQTTPacketVector(
                name: "UNSUBSCRIBE", version: .v3_1_1,
                packet: .unsubscribe(MQTTUnsubscribePacket(packetIdentifier: 3, topicFilters: ["a/b"])),
                bytes: [0xA2, 0x07, 0x00, 0x03, 0x00, 0x03, 0x61, 0x2F, 0x62]
            ),
            MQTTPacketVector(
                name: "UNSUBACK", version: .v3_1_1, packet: .unsubAck(MQTTUnsubAckPacket(packetIdentifier: 3)),
                bytes: [0xB0, 0x02, 0x00, 0x03]),
            MQTTPacketVector(name: "PINGREQ", version: .v3_1_1, packet: .pingReq, bytes: [0xC0, 0x00]),
            MQTTPacketVector(name: "PINGRESP", version: .v3_1_1, packet: .pingResp, bytes: [0xD0, 0x00]),
            MQTTPacketVector(
                name: "DISCONNECT", version: .v3_1_1, packet: .disconnect(MQTTDisconnectPacket()), bytes: [0xE0, 0x00]),
        ]
    }
}
