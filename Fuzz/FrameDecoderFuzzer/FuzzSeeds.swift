import MQTT5
import NIOCore

/// Valid packets, encoded, as the seed corpus: one seed per packet and version, plus a few
/// streams of several packets. Each seed starts with the settings byte ``FrameDecoderFuzzer`` reads.
enum FuzzSeeds {
    static func packets(_ version: MQTTProtocolVersion) -> [MQTTPacket] {
        let isV5 = version == .v5_0
        var publishProperties = MQTTProperties()
        var connectProperties = MQTTProperties()
        var connAckProperties = MQTTProperties()
        var ackProperties = MQTTProperties()
        var willProperties = MQTTProperties()
        var subscribeProperties = MQTTProperties()
        var authProperties = MQTTProperties()
        if isV5 {
            publishProperties.payloadFormatIndicator = .utf8
            publishProperties.messageExpiryInterval = 60
            publishProperties.contentType = "application/json"
            publishProperties.responseTopic = "reply/to"
            publishProperties.correlationData = ByteBuffer(bytes: [1, 2, 3, 4])
            publishProperties.subscriptionIdentifiers = [1, 300]
            publishProperties.topicAlias = 2
            publishProperties.userProperties = [
                MQTTUserProperty(name: "k", value: "v"), MQTTUserProperty(name: "k", value: "w"),
            ]
            connectProperties.sessionExpiryInterval = 3600
            connectProperties.receiveMaximum = 20
            connectProperties.maximumPacketSize = 65_536
            connectProperties.topicAliasMaximum = 10
            connectProperties.requestResponseInformation = true
            connectProperties.requestProblemInformation = false
            connectProperties.authenticationMethod = "SCRAM-SHA-1"
            connectProperties.authenticationData = ByteBuffer(bytes: [9, 9])
            connAckProperties.assignedClientIdentifier = "auto-1"
            connAckProperties.serverKeepAlive = 30
            connAckProperties.maximumQoS = .atLeastOnce
            connAckProperties.retainAvailable = false
            connAckProperties.wildcardSubscriptionAvailable = true
            connAckProperties.subscriptionIdentifiersAvailable = true
            connAckProperties.sharedSubscriptionAvailable = false
            connAckProperties.responseInformation = "resp/"
            connAckProperties.serverReference = "other"
            connAckProperties.reasonString = "welcome"
            ackProperties.reasonString = "because"
            ackProperties.userProperties = [MQTTUserProperty(name: "a", value: "b")]
            willProperties.willDelayInterval = 10
            willProperties.contentType = "text/plain"
            subscribeProperties.subscriptionIdentifiers = [7]
            authProperties.authenticationMethod = "SCRAM-SHA-1"
            authProperties.authenticationData = ByteBuffer(bytes: [1])
        }
        let payload = ByteBuffer(string: "{\"temperature\": 21.5}")
        var packets: [MQTTPacket] = [
            .connect(
                MQTTConnectPacket(
                    protocolVersion: version, keepAlive: 30, clientIdentifier: "client-1", username: "user",
                    password: ByteBuffer(string: "secret"),
                    will: MQTTWill(
                        topic: "status/client-1", payload: ByteBuffer(string: "offline"), qos: .atLeastOnce,
                        retain: true, properties: willProperties),
                    properties: connectProperties
                )),
            .connect(
                MQTTConnectPacket(protocolVersion: version, cleanStart: false, keepAlive: 0, clientIdentifier: "")),
            .connAck(MQTTConnAckPacket(sessionPresent: true, properties: connAckProperties)),
            .connAck(MQTTConnAckPacket(reasonCode: .notAuthorized)),
            .publish(
                MQTTPublishPacket(
                    topic: "sensors/1/temp", payload: payload, qos: .atLeastOnce, packetIdentifier: 1,
                    properties: publishProperties)),
            .publish(MQTTPublishPacket(topic: "a", payload: ByteBuffer(), retain: true)),
            .publish(
                MQTTPublishPacket(
                    topic: "a/é/€", payload: ByteBuffer(repeating: 0x41, count: 300), qos: .exactlyOnce, dup: true,
                    packetIdentifier: 65_535)),
            .pubAck(MQTTPubAckPacket(packetIdentifier: 1)),
            .pubAck(
                MQTTPubAckPacket(
                    packetIdentifier: 2, reasonCode: isV5 ? .quotaExceeded : .success, properties: ackProperties)),
            .pubRec(MQTTPubRecPacket(packetIdentifier: 3, properties: ackProperties)),
            .pubRel(MQTTPubRelPacket(packetIdentifier: 3, reasonCode: isV5 ? .packetIdentifierNotFound : .success)),
            .pubComp(MQTTPubCompPacket(packetIdentifier: 3)),
            .subscribe(
                MQTTSubscribePacket(
                    packetIdentifier: 4,
                    subscriptions: [
                        MQTTSubscription(
                            topicFilter: "sensors/+/temp", qos: .atLeastOnce, noLocal: isV5, retainAsPublished: isV5,
                            retainHandling: isV5 ? .doNotSend : .sendOnSubscribe),
                        MQTTSubscription(topicFilter: "$share/group/cmd/#", qos: .exactlyOnce),
                    ],
                    properties: subscribeProperties
                )),
            .subAck(
                MQTTSubAckPacket(
                    packetIdentifier: 4, reasonCodes: [.grantedQoS1, .unspecifiedError], properties: ackProperties)),
            .unsubscribe(MQTTUnsubscribePacket(packetIdentifier: 5, topicFilters: ["sensors/+/temp", "#"])),
            .unsubAck(
                MQTTUnsubAckPacket(packetIdentifier: 5, reasonCodes: isV5 ? [.success, .noSubscriptionExisted] : [])),
            .pingReq,
            .pingResp,
            .disconnect(MQTTDisconnectPacket()),
        ]
        if isV5 {
            var disconnectProperties = MQTTProperties()
            disconnectProperties.sessionExpiryInterval = 0
            disconnectProperties.reasonString = "bye"
            packets.append(
                .disconnect(MQTTDisconnectPacket(reasonCode: .serverShuttingDown, properties: disconnectProperties)))
            packets.append(.auth(MQTTAuthPacket(reasonCode: .continueAuthentication, properties: authProperties)))
            packets.append(.auth(MQTTAuthPacket()))
        }
        return packets
    }

    /// Every seed: settings byte (version bit, protocol-maximum size limit) + encoded frames.
    static func all() -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for version in [MQTTProtocolVersion.v5_0, .v3_1_1] {
            let settings: UInt8 = (version == .v5_0 ? 0 : 1) | 0b110
            var stream: [UInt8] = [settings]
            for packet in packets(version) {
                var buffer = ByteBuffer()
                try? packet.encode(into: &buffer, version: version)
                let frame = Array(buffer.readableBytesView)
                seeds.append([settings] + frame)
                stream += frame
            }
            seeds.append(stream)
        }
        return seeds
    }
}
