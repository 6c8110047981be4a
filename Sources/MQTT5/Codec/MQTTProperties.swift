public import NIOCore

/// The properties of an MQTT 5 packet (MQTT 5 section 2.2.2), one struct for every packet type.
///
/// Every property is optional. The codec enforces which packet may carry which property
/// (spec table 2.2.2.2): encoding a packet with a property its type may not carry throws a
/// ``MQTTCodecError``, and so does decoding one. MQTT 3.1.1 packets have no properties; when a
/// packet is encoded for 3.1.1 its properties are ignored.
///
/// The properties live in one copy-on-write storage, so a packet carries an 8-byte reference
/// rather than about 240 bytes of fields, and copying a packet (into actions, queues, in-flight
/// tables) copies no property; packets without properties share one empty storage.
///
/// Properties the decoder produced stay as the bytes received, checked in full when the packet
/// was decoded (a malformed list fails the packet). Reading a property decodes that property
/// from those bytes, so reading a string or list property twice builds it twice; the first
/// change decodes them all. Encoding received properties again for the same packet type
/// writes the received bytes as they are.
public struct MQTTProperties: Hashable, Sendable {
    /// The fields, in one value.
    struct Fields: Hashable, Sendable {
        var payloadFormatIndicator: MQTTPayloadFormat?
        var messageExpiryInterval: UInt32?
        var contentType: String?
        var responseTopic: String?
        var correlationData: ByteBuffer?
        var subscriptionIdentifiers: [UInt32] = []
        var sessionExpiryInterval: UInt32?
        var assignedClientIdentifier: String?
        var serverKeepAlive: UInt16?
        var authenticationMethod: String?
        var authenticationData: ByteBuffer?
        var requestProblemInformation: Bool?
        var willDelayInterval: UInt32?
        var requestResponseInformation: Bool?
        var responseInformation: String?
        var serverReference: String?
        var reasonString: String?
        var receiveMaximum: UInt16?
        var topicAliasMaximum: UInt16?
        var topicAlias: UInt16?
        var maximumQoS: MQTTQoS?
        var retainAvailable: Bool?
        var userProperties: [MQTTUserProperty] = []
        var maximumPacketSize: UInt32?
        var wildcardSubscriptionAvailable: Bool?
        var subscriptionIdentifiersAvailable: Bool?
        var sharedSubscriptionAvailable: Bool?
    }

    /// The copy-on-write box of the fields; mutated only while uniquely referenced.
    ///
    /// Exclusivity is not checked at run time: a shared box is only read, and a box is written
    /// only through the one ``MQTTProperties`` that references it, so accesses cannot overlap.
    /// (Checked, each property read cost a `swift_beginAccess`, about 7% of encoding a PUBLISH.)
    final class Storage: @unchecked Sendable {
        @exclusivity(unchecked)
        var fields: Fields
        /// The list as received, when the fields have not been decoded from it (`fields` is
        /// then empty and unused). Never changed: a change first decodes into a new box.
        let received: ReceivedList?

        init(_ fields: Fields) {
            self.fields = fields
            self.received = nil
        }

        init(received: ReceivedList) {
            self.fields = Fields()
            self.received = received
        }
    }

    /// A property list as received, already validated for its packet type: reading a property
    /// decodes just that one, and encoding it again for the same packet type copies the bytes.
    ///
    /// Decoding a packet then builds no string or array for its properties (a PUBLISH's
    /// response topic, content type and user properties were five allocations of its six).
    struct ReceivedList: Sendable {
        /// The properties, without the property length (a slice of the received bytes).
        let bytes: ByteBuffer
        /// The packet type the list was validated for.
        let context: MQTTPropertyContext
    }

    /// The storage every empty set of properties shares until its first change.
    static let emptyStorage = Storage(Fields())

    /// The fields' box, shared between copies until one of them changes.
    private(set) var storage: Storage

    /// Copies the storage first when it is shared, before a change.
    ///
    /// Out of line, so that the accessors' coroutine frames do not hold a copy of the fields
    /// (a frame that large is allocated on the heap on every change). Setters skip it when the
    /// value does not change (nil on nil, empty on empty), so shared storage stays shared.
    /// Properties held as received are decoded into a new box first.
    @inline(never)
    private mutating func makeUnique() {
        if let received = storage.received {
            storage = Storage(received.decodingAll())
        } else if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(storage.fields)
        }
    }

    /// Creates an empty set of properties: every property absent.
    public init() {
        storage = Self.emptyStorage
    }

    /// Creates properties holding `fields`.
    init(fields: Fields) {
        storage = Storage(fields)
    }

    /// Creates properties reading `list` on demand (the decoder validated it for its packet type).
    init(received list: ReceivedList) {
        storage = Storage(received: list)
    }

    /// Every field (decoded, when held as received).
    var fields: Fields {
        storage.received?.decodingAll() ?? storage.fields
    }

    /// Whether no property is present.
    public var isEmpty: Bool {
        if let received = storage.received { return received.bytes.readableBytes == 0 }
        return storage === Self.emptyStorage || storage.fields == Fields()
    }

    /// Equal when every property is.
    public static func == (lhs: MQTTProperties, rhs: MQTTProperties) -> Bool {
        lhs.storage === rhs.storage || lhs.fields == rhs.fields
    }

    /// Hashes every property.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(fields)
    }

    /// Payload Format Indicator (0x01). PUBLISH, will.
    public var payloadFormatIndicator: MQTTPayloadFormat? {
        get {
            if let received = storage.received {
                return received.decoding(only: .payloadFormatIndicator).payloadFormatIndicator
            }
            return storage.fields.payloadFormatIndicator
        }
        _modify {
            makeUnique()
            yield &storage.fields.payloadFormatIndicator
        }
        set {
            if newValue == nil && self.payloadFormatIndicator == nil { return }
            makeUnique()
            storage.fields.payloadFormatIndicator = newValue
        }
    }
    /// Message Expiry Interval in seconds (0x02). PUBLISH, will.
    public var messageExpiryInterval: UInt32? {
        get {
            if let received = storage.received {
                return received.decoding(only: .messageExpiryInterval).messageExpiryInterval
            }
            return storage.fields.messageExpiryInterval
        }
        _modify {
            makeUnique()
            yield &storage.fields.messageExpiryInterval
        }
        set {
            if newValue == nil && self.messageExpiryInterval == nil { return }
            makeUnique()
            storage.fields.messageExpiryInterval = newValue
        }
    }
    /// Content Type (0x03). PUBLISH, will.
    public var contentType: String? {
        get {
            if let received = storage.received { return received.decoding(only: .contentType).contentType }
            return storage.fields.contentType
        }
        _modify {
            makeUnique()
            yield &storage.fields.contentType
        }
        set {
            if newValue == nil && self.contentType == nil { return }
            makeUnique()
            storage.fields.contentType = newValue
        }
    }
    /// Response Topic (0x08), a topic name without wildcards. PUBLISH, will.
    public var responseTopic: String? {
        get {
            if let received = storage.received { return received.decoding(only: .responseTopic).responseTopic }
            return storage.fields.responseTopic
        }
        _modify {
            makeUnique()
            yield &storage.fields.responseTopic
        }
        set {
            if newValue == nil && self.responseTopic == nil { return }
            makeUnique()
            storage.fields.responseTopic = newValue
        }
    }
    /// Correlation Data (0x09). PUBLISH, will.
    public var correlationData: ByteBuffer? {
        get {
            if let received = storage.received { return received.decoding(only: .correlationData).correlationData }
            return storage.fields.correlationData
        }
        _modify {
            makeUnique()
            yield &storage.fields.correlationData
        }
        set {
            if newValue == nil && self.correlationData == nil { return }
            makeUnique()
            storage.fields.correlationData = newValue
        }
    }
    /// Subscription Identifiers (0x0B), each 1 to 268,435,455. A PUBLISH may carry several, a
    /// SUBSCRIBE at most one.
    public var subscriptionIdentifiers: [UInt32] {
        get {
            if let received = storage.received {
                return received.decoding(only: .subscriptionIdentifier).subscriptionIdentifiers
            }
            return storage.fields.subscriptionIdentifiers
        }
        _modify {
            makeUnique()
            yield &storage.fields.subscriptionIdentifiers
        }
        set {
            if newValue.isEmpty && self.subscriptionIdentifiers.isEmpty { return }
            makeUnique()
            storage.fields.subscriptionIdentifiers = newValue
        }
    }
    /// Session Expiry Interval in seconds (0x11). CONNECT, CONNACK, DISCONNECT.
    public var sessionExpiryInterval: UInt32? {
        get {
            if let received = storage.received {
                return received.decoding(only: .sessionExpiryInterval).sessionExpiryInterval
            }
            return storage.fields.sessionExpiryInterval
        }
        _modify {
            makeUnique()
            yield &storage.fields.sessionExpiryInterval
        }
        set {
            if newValue == nil && self.sessionExpiryInterval == nil { return }
            makeUnique()
            storage.fields.sessionExpiryInterval = newValue
        }
    }
    /// Assigned Client Identifier (0x12). CONNACK.
    public var assignedClientIdentifier: String? {
        get {
            if let received = storage.received {
                return received.decoding(only: .assignedClientIdentifier).assignedClientIdentifier
            }
            return storage.fields.assignedClientIdentifier
        }
        _modify {
            makeUnique()
            yield &storage.fields.assignedClientIdentifier
        }
        set {
            if newValue == nil && self.assignedClientIdentifier == nil { return }
            makeUnique()
            storage.fields.assignedClientIdentifier = newValue
        }
    }
    /// Server Keep Alive in seconds (0x13). CONNACK.
    public var serverKeepAlive: UInt16? {
        get {
            if let received = storage.received { return received.decoding(only: .serverKeepAlive).serverKeepAlive }
            return storage.fields.serverKeepAlive
        }
        _modify {
            makeUnique()
            yield &storage.fields.serverKeepAlive
        }
        set {
            if newValue == nil && self.serverKeepAlive == nil { return }
            makeUnique()
            storage.fields.serverKeepAlive = newValue
        }
    }
    /// Authentication Method (0x15). CONNECT, CONNACK, AUTH.
    public var authenticationMethod: String? {
        get {
            if let received = storage.received {
                return received.decoding(only: .authenticationMethod).authenticationMethod
            }
            return storage.fields.authenticationMethod
        }
        _modify {
            makeUnique()
            yield &storage.fields.authenticationMethod
        }
        set {
            if newValue == nil && self.authenticationMethod == nil { return }
            makeUnique()
            storage.fields.authenticationMethod = newValue
        }
    }
    /// Authentication Data (0x16); only valid with an authentication method. CONNECT, CONNACK, AUTH.
    public var authenticationData: ByteBuffer? {
        get {
            if let received = storage.received {
                return received.decoding(only: .authenticationData).authenticationData
            }
            return storage.fields.authenticationData
        }
        _modify {
            makeUnique()
            yield &storage.fields.authenticationData
        }
        set {
            if newValue == nil && self.authenticationData == nil { return }
            makeUnique()
            storage.fields.authenticationData = newValue
        }
    }
    /// Request Problem Information (0x17). CONNECT.
    public var requestProblemInformation: Bool? {
        get {
            if let received = storage.received {
                return received.decoding(only: .requestProblemInformation).requestProblemInformation
            }
            return storage.fields.requestProblemInformation
        }
        _modify {
            makeUnique()
            yield &storage.fields.requestProblemInformation
        }
        set {
            if newValue == nil && self.requestProblemInformation == nil { return }
            makeUnique()
            storage.fields.requestProblemInformation = newValue
        }
    }
    /// Will Delay Interval in seconds (0x18). Will properties.
    public var willDelayInterval: UInt32? {
        get {
            if let received = storage.received { return received.decoding(only: .willDelayInterval).willDelayInterval }
            return storage.fields.willDelayInterval
        }
        _modify {
            makeUnique()
            yield &storage.fields.willDelayInterval
        }
        set {
            if newValue == nil && self.willDelayInterval == nil { return }
            makeUnique()
            storage.fields.willDelayInterval = newValue
        }
    }
    /// Request Response Information (0x19). CONNECT.
    public var requestResponseInformation: Bool? {
        get {
            if let received = storage.received {
                return received.decoding(only: .requestResponseInformation).requestResponseInformation
            }
            return storage.fields.requestResponseInformation
        }
        _modify {
            makeUnique()
            yield &storage.fields.requestResponseInformation
        }
        set {
            if newValue == nil && self.requestResponseInformation == nil { return }
            makeUnique()
            storage.fields.requestResponseInformation = newValue
        }
    }
    /// Response Information (0x1A). CONNACK.
    public var responseInformation: String? {
        get {
            if let received = storage.received {
                return received.decoding(only: .responseInformation).responseInformation
            }
            return storage.fields.responseInformation
        }
        _modify {
            makeUnique()
            yield &storage.fields.responseInformation
        }
        set {
            if newValue == nil && self.responseInformation == nil { return }
            makeUnique()
            storage.fields.responseInformation = newValue
        }
    }
    /// Server Reference (0x1C). CONNACK, DISCONNECT.
    public var serverReference: String? {
        get {
            if let received = storage.received { return received.decoding(only: .serverReference).serverReference }
            return storage.fields.serverReference
        }
        _modify {
            makeUnique()
            yield &storage.fields.serverReference
        }
        set {
            if newValue == nil && self.serverReference == nil { return }
            makeUnique()
            storage.fields.serverReference = newValue
        }
    }
    /// Reason String (0x1F). CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH.
    public var reasonString: String? {
        get {
            if let received = storage.received { return received.decoding(only: .reasonString).reasonString }
            return storage.fields.reasonString
        }
        _modify {
            makeUnique()
            yield &storage.fields.reasonString
        }
        set {
            if newValue == nil && self.reasonString == nil { return }
            makeUnique()
            storage.fields.reasonString = newValue
        }
    }
    /// Receive Maximum (0x21), never 0. CONNECT, CONNACK.
    public var receiveMaximum: UInt16? {
        get {
            if let received = storage.received { return received.decoding(only: .receiveMaximum).receiveMaximum }
            return storage.fields.receiveMaximum
        }
        _modify {
            makeUnique()
            yield &storage.fields.receiveMaximum
        }
        set {
            if newValue == nil && self.receiveMaximum == nil { return }
            makeUnique()
            storage.fields.receiveMaximum = newValue
        }
    }
    /// Topic Alias Maximum (0x22). CONNECT, CONNACK.
    public var topicAliasMaximum: UInt16? {
        get {
            if let received = storage.received { return received.decoding(only: .topicAliasMaximum).topicAliasMaximum }
            return storage.fields.topicAliasMaximum
        }
        _modify {
            makeUnique()
            yield &storage.fields.topicAliasMaximum
        }
        set {
            if newValue == nil && self.topicAliasMaximum == nil { return }
            makeUnique()
            storage.fields.topicAliasMaximum = newValue
        }
    }
    /// Topic Alias (0x23), never 0. PUBLISH.
    public var topicAlias: UInt16? {
        get {
            if let received = storage.received { return received.decoding(only: .topicAlias).topicAlias }
            return storage.fields.topicAlias
        }
        _modify {
            makeUnique()
            yield &storage.fields.topicAlias
        }
        set {
            if newValue == nil && self.topicAlias == nil { return }
            makeUnique()
            storage.fields.topicAlias = newValue
        }
    }
    /// Maximum QoS (0x24), QoS 0 or 1 (absent means QoS 2). CONNACK.
    public var maximumQoS: MQTTQoS? {
        get {
            if let received = storage.received { return received.decoding(only: .maximumQoS).maximumQoS }
            return storage.fields.maximumQoS
        }
        _modify {
            makeUnique()
            yield &storage.fields.maximumQoS
        }
        set {
            if newValue == nil && self.maximumQoS == nil { return }
            makeUnique()
            storage.fields.maximumQoS = newValue
        }
    }
    /// Retain Available (0x25). CONNACK.
    public var retainAvailable: Bool? {
        get {
            if let received = storage.received { return received.decoding(only: .retainAvailable).retainAvailable }
            return storage.fields.retainAvailable
        }
        _modify {
            makeUnique()
            yield &storage.fields.retainAvailable
        }
        set {
            if newValue == nil && self.retainAvailable == nil { return }
            makeUnique()
            storage.fields.retainAvailable = newValue
        }
    }
    /// User Properties (0x26), in order, duplicates allowed. Every packet that has properties, and will.
    public var userProperties: [MQTTUserProperty] {
        get {
            if let received = storage.received { return received.decoding(only: .userProperty).userProperties }
            return storage.fields.userProperties
        }
        _modify {
            makeUnique()
            yield &storage.fields.userProperties
        }
        set {
            if newValue.isEmpty && self.userProperties.isEmpty { return }
            makeUnique()
            storage.fields.userProperties = newValue
        }
    }
    /// Maximum Packet Size in bytes (0x27), never 0. CONNECT, CONNACK.
    public var maximumPacketSize: UInt32? {
        get {
            if let received = storage.received { return received.decoding(only: .maximumPacketSize).maximumPacketSize }
            return storage.fields.maximumPacketSize
        }
        _modify {
            makeUnique()
            yield &storage.fields.maximumPacketSize
        }
        set {
            if newValue == nil && self.maximumPacketSize == nil { return }
            makeUnique()
            storage.fields.maximumPacketSize = newValue
        }
    }
    /// Wildcard Subscription Available (0x28). CONNACK.
    public var wildcardSubscriptionAvailable: Bool? {
        get {
            if let received = storage.received {
                return received.decoding(only: .wildcardSubscriptionAvailable).wildcardSubscriptionAvailable
            }
            return storage.fields.wildcardSubscriptionAvailable
        }
        _modify {
            makeUnique()
            yield &storage.fields.wildcardSubscriptionAvailable
        }
        set {
            if newValue == nil && self.wildcardSubscriptionAvailable == nil { return }
            makeUnique()
            storage.fields.wildcardSubscriptionAvailable = newValue
        }
    }
    /// Subscription Identifiers Available (0x29). CONNACK.
    public var subscriptionIdentifiersAvailable: Bool? {
        get {
            if let received = storage.received {
                return received.decoding(only: .subscriptionIdentifiersAvailable).subscriptionIdentifiersAvailable
            }
            return storage.fields.subscriptionIdentifiersAvailable
        }
        _modify {
            makeUnique()
            yield &storage.fields.subscriptionIdentifiersAvailable
        }
        set {
            if newValue == nil && self.subscriptionIdentifiersAvailable == nil { return }
            makeUnique()
            storage.fields.subscriptionIdentifiersAvailable = newValue
        }
    }
    /// Shared Subscription Available (0x2A). CONNACK.
    public var sharedSubscriptionAvailable: Bool? {
        get {
            if let received = storage.received {
                return received.decoding(only: .sharedSubscriptionAvailable).sharedSubscriptionAvailable
            }
            return storage.fields.sharedSubscriptionAvailable
        }
        _modify {
            makeUnique()
            yield &storage.fields.sharedSubscriptionAvailable
        }
        set {
            if newValue == nil && self.sharedSubscriptionAvailable == nil { return }
            makeUnique()
            storage.fields.sharedSubscriptionAvailable = newValue
        }
    }
}

extension MQTTProperties: CustomReflectable {
    /// Reflects the properties themselves, not their storage (for `dump` and interpolation).
    public var customMirror: Mirror {
        Mirror(reflecting: fields)
    }
}
