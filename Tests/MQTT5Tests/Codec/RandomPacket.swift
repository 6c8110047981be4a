import NIOCore
@testable import MQTT5

/// Builds random, valid packets for round-trip tests: every field the given protocol version
/// can carry, with properties only where the spec allows them.
struct RandomPacket<RNG: RandomNumberGenerator> {
    var rng: RNG
    let version: MQTTProtocolVersion

    init(version: MQTTProtocolVersion, rng: RNG) {
        self.version = version
        self.rng = rng
    }

    var isV5: Bool { version == .v5_0 }

    // MARK: Primitives

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < probability }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func u16(_ range: ClosedRange<UInt16> = 0...UInt16.max) -> UInt16 { UInt16.random(in: range, using: &rng) }
    mutating func u32(_ range: ClosedRange<UInt32> = 0...UInt32.max) -> UInt32 { UInt32.random(in: range, using: &rng) }
    mutating func element<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
    mutating func maybe<T>(_ make: (inout Self) -> T) -> T? { chance(0.3) ? make(&self) : nil }

    static var alphabet: [Character] {
        Array("abcXYZ019 -_/.$") + ["é", "€", "😀", "中", "\u{7F}", "\u{FEFF}", "ß", "\n"]
    }

    /// Any string MQTT allows (no U+0000), including multi-byte scalars.
    mutating func string(_ lengths: ClosedRange<Int> = 0...10) -> String {
        String((0..<int(lengths)).map { _ in element(Self.alphabet) })
    }

    mutating func bytes(_ lengths: ClosedRange<Int> = 0...20) -> ByteBuffer {
        ByteBuffer(bytes: (0..<int(lengths)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    mutating func level() -> String {
        String((0..<int(0...5)).map { _ in element(Array("abz09_ -é€😀$")) })
    }

    /// A valid topic name: levels without wildcards, at least one character.
    mutating func topic() -> String {
        while true {
            let topic = (0..<int(1...4)).map { _ in level() }.joined(separator: "/")
            if !topic.isEmpty { return topic }
        }
    }

    /// A valid topic filter, sometimes shared.
    mutating func filter(allowShared: Bool = true) -> String {
        var levels = (0..<int(1...4)).map { _ in chance(0.2) ? "+" : level() }
        if chance(0.2) { levels.append("#") }
        var filter = levels.joined(separator: "/")
        if filter.isEmpty { filter = "x" }
        if allowShared && chance(0.15) { filter = "$share/g\(int(0...9))/" + filter }
        return filter
    }

    mutating func qos() -> MQTTQoS { element(MQTTQoS.allCases) }
    mutating func packetIdentifier() -> UInt16 { u16(1...UInt16.max) }
    mutating func userProperties() -> [MQTTUserProperty] {
        chance(0.4) ? (0..<int(1...3)).map { _ in MQTTUserProperty(name: string(), value: string()) } : []
    }

    // MARK: Properties

    mutating func properties(_ context: MQTTPropertyContext) -> MQTTProperties {
        var p = MQTTProperties()
        guard isV5 else { return p }
        switch context {
        case .publish, .will:
            p.payloadFormatIndicator = maybe { $0.element(MQTTPayloadFormat.allCases) }
            p.messageExpiryInterval = maybe { $0.u32() }
            p.contentType = maybe { $0.string() }
            p.responseTopic = maybe { $0.topic() }
            p.correlationData = maybe { $0.bytes() }
            if context == .publish {
                p.subscriptionIdentifiers = chance(0.3) ? (0..<int(1...3)).map { _ in u32(1...268_435_455) } : []
                p.topicAlias = maybe { $0.u16(1...UInt16.max) }
            } else {
                p.willDelayInterval = maybe { $0.u32() }
            }
        case .connect:
            p.sessionExpiryInterval = maybe { $0.u32() }
            p.authenticationMethod = maybe { $0.string() }
            if p.authenticationMethod != nil { p.authenticationData = maybe { $0.bytes() } }
            p.requestProblemInformation = maybe { $0.chance(0.5) }
            p.requestResponseInformation = maybe { $0.chance(0.5) }
            p.receiveMaximum = maybe { $0.u16(1...UInt16.max) }
            p.topicAliasMaximum = maybe { $0.u16() }
            p.maximumPacketSize = maybe { $0.u32(1...UInt32.max) }
        case .connAck:
            p.sessionExpiryInterval = maybe { $0.u32() }
            p.assignedClientIdentifier = maybe { $0.string() }
            p.serverKeepAlive = maybe { $0.u16() }
            p.authenticationMethod = maybe { $0.string() }
            if p.authenticationMethod != nil { p.authenticationData = maybe { $0.bytes() } }
            p.responseInformation = maybe { $0.string() }
            p.serverReference = maybe { $0.string() }
            p.reasonString = maybe { $0.string() }
            p.receiveMaximum = maybe { $0.u16(1...UInt16.max) }
            p.topicAliasMaximum = maybe { $0.u16() }
            p.maximumQoS = maybe { $0.element([MQTTQoS.atMostOnce, .atLeastOnce]) }
            p.retainAvailable = maybe { $0.chance(0.5) }
            p.maximumPacketSize = maybe { $0.u32(1...UInt32.max) }
            p.wildcardSubscriptionAvailable = maybe { $0.chance(0.5) }
            p.subscriptionIdentifiersAvailable = maybe { $0.chance(0.5) }
            p.sharedSubscriptionAvailable = maybe { $0.chance(0.5) }
        case .pubAck, .pubRec, .pubRel, .pubComp, .subAck, .unsubAck:
            p.reasonString = maybe { $0.string() }
        case .subscribe:
            p.subscriptionIdentifiers = chance(0.3) ? [u32(1...268_435_455)] : []
        case .unsubscribe:
            break
        case .disconnect:
            p.sessionExpiryInterval = maybe { $0.u32() }
            p.serverReference = maybe { $0.string() }
            p.reasonString = maybe { $0.string() }
        case .auth:
            p.authenticationMethod = maybe { $0.string() }
            if p.authenticationMethod != nil { p.authenticationData = maybe { $0.bytes() } }
            p.reasonString = maybe { $0.string() }
        }
        p.userProperties = userProperties()
        return p
    }

    // MARK: Packets

    mutating func packet() -> MQTTPacket {
        switch int(0...(isV5 ? 14 : 13)) {
        case 0: return .connect(connect())
        case 1:
            let reasonCode =
                isV5
                ? element(MQTTConnectReasonCode.allCases)
                : element([
                    .success, .unsupportedProtocolVersion, .clientIdentifierNotValid, .serverUnavailable,
                    .badUserNameOrPassword, .notAuthorized,
                ])
            return .connAck(
                MQTTConnAckPacket(
                    sessionPresent: !reasonCode.isError && chance(0.5), reasonCode: reasonCode,
                    properties: properties(.connAck)
                ))
        case 2: return .publish(publish())
        case 3:
            return .pubAck(
                MQTTPubAckPacket(
                    packetIdentifier: packetIdentifier(),
                    reasonCode: isV5 ? element(MQTTPubAckReasonCode.allCases) : .success,
                    properties: properties(.pubAck)
                ))
        case 4:
            return .pubRec(
                MQTTPubRecPacket(
                    packetIdentifier: packetIdentifier(),
                    reasonCode: isV5 ? element(MQTTPubRecReasonCode.allCases) : .success,
                    properties: properties(.pubRec)
                ))
        case 5:
            return .pubRel(
                MQTTPubRelPacket(
                    packetIdentifier: packetIdentifier(),
                    reasonCode: isV5 ? element(MQTTPubRelReasonCode.allCases) : .success,
                    properties: properties(.pubRel)
                ))
        case 6:
            return .pubComp(
                MQTTPubCompPacket(
                    packetIdentifier: packetIdentifier(),
                    reasonCode: isV5 ? element(MQTTPubCompReasonCode.allCases) : .success,
                    properties: properties(.pubComp)
                ))
        case 7: return .subscribe(subscribe())
        case 8:
            let codes: [MQTTSubAckReasonCode] =
                isV5 ? MQTTSubAckReasonCode.allCases : [.grantedQoS0, .grantedQoS1, .grantedQoS2, .unspecifiedError]
            return .subAck(
                MQTTSubAckPacket(
                    packetIdentifier: packetIdentifier(), reasonCodes: (0..<int(1...5)).map { _ in element(codes) },
                    properties: properties(.subAck)
                ))
        case 9:
            return .unsubscribe(
                MQTTUnsubscribePacket(
                    packetIdentifier: packetIdentifier(), topicFilters: (0..<int(1...4)).map { _ in filter() },
                    properties: properties(.unsubscribe)
                ))
        case 10:
            return .unsubAck(
                MQTTUnsubAckPacket(
                    packetIdentifier: packetIdentifier(),
                    reasonCodes: isV5 ? (0..<int(1...4)).map { _ in element(MQTTUnsubAckReasonCode.allCases) } : [],
                    properties: properties(.unsubAck)
                ))
        case 11: return .pingReq
        case 12: return .pingResp
        case 13:
            return .disconnect(
                MQTTDisconnectPacket(
                    reasonCode: isV5 ? element(MQTTDisconnectReasonCode.allCases) : .normalDisconnection,
                    properties: properties(.disconnect)
                ))
        default:
            return .auth(
                MQTTAuthPacket(reasonCode: element(MQTTAuthReasonCode.allCases), properties: properties(.auth)))
        }
    }

    mutating func connect() -> MQTTConnectPacket {
        let username = maybe { $0.string() }
        let password = (isV5 || username != nil) ? maybe { $0.bytes() } : nil
        let will = maybe { generator in
            MQTTWill(
                topic: generator.topic(), payload: generator.bytes(0...40), qos: generator.qos(),
                retain: generator.chance(0.5), properties: generator.properties(.will)
            )
        }
        return MQTTConnectPacket(
            protocolVersion: version, cleanStart: chance(0.5), keepAlive: u16(), clientIdentifier: string(0...23),
            username: username, password: password, will: will, properties: properties(.connect)
        )
    }

    mutating func publish() -> MQTTPublishPacket {
        let qos = qos()
        let properties = properties(.publish)
        let topic = (properties.topicAlias != nil && chance(0.5)) ? "" : topic()
        return MQTTPublishPacket(
            topic: topic, payload: bytes(0...300), qos: qos, retain: chance(0.5),
            dup: qos != .atMostOnce && chance(0.3), packetIdentifier: qos == .atMostOnce ? nil : packetIdentifier(),
            properties: properties
        )
    }

    mutating func subscribe() -> MQTTSubscribePacket {
        let subscriptions = (0..<int(1...4)).map { _ in
            let filter = filter()
            return MQTTSubscription(
                topicFilter: filter, qos: qos(),
                noLocal: isV5 && !filter.hasPrefix("$share/") && chance(0.5),
                retainAsPublished: isV5 && chance(0.5),
                retainHandling: isV5 ? element(MQTTRetainHandling.allCases) : .sendOnSubscribe
            )
        }
        return MQTTSubscribePacket(
            packetIdentifier: packetIdentifier(), subscriptions: subscriptions, properties: properties(.subscribe))
    }
}
