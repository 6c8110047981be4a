public import NIOCore

/// The CONNECT packet: the first packet a client sends (MQTT 5 section 3.1).
public struct MQTTConnectPacket: Hashable, Sendable {
    /// The protocol version the client speaks; it decides the encoding of the packet.
    public var protocolVersion: MQTTProtocolVersion
    /// Clean Start (MQTT 5) or Clean Session (MQTT 3.1.1).
    public var cleanStart: Bool
    /// The keep-alive interval in seconds; 0 turns keep-alive off.
    public var keepAlive: UInt16
    /// The client identifier; may be empty to ask the server to assign one.
    public var clientIdentifier: String
    /// The user name, if any.
    public var username: String?
    /// The password, if any. MQTT 3.1.1 allows a password only with a user name.
    public var password: ByteBuffer?
    /// The will message, if any.
    public var will: MQTTWill?
    /// The CONNECT properties (MQTT 5 only).
    public var properties: MQTTProperties

    /// Creates a CONNECT packet.
    public init(
        protocolVersion: MQTTProtocolVersion = .v5_0,
        cleanStart: Bool = true,
        keepAlive: UInt16 = 60,
        clientIdentifier: String,
        username: String? = nil,
        password: ByteBuffer? = nil,
        will: MQTTWill? = nil,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.protocolVersion = protocolVersion
        self.cleanStart = cleanStart
        self.keepAlive = keepAlive
        self.clientIdentifier = clientIdentifier
        self.username = username
        self.password = password
        self.will = will
        self.properties = properties
    }
}
