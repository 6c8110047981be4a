import MQTT5
import NIOCore

/// One client's network connection, owned by ``BrokerCore`` and its channel handler on the
/// broker's event loop.
final class BrokerConnection {
    enum State {
        /// Waiting for CONNECT.
        case awaitingConnect
        /// CONNECT received and deliberately left unanswered (a fault).
        case connectIgnored
        /// CONNACK with success sent.
        case connected
        /// Closing: nothing more is handled or sent except what closes it.
        case closing
    }

    let channel: any Channel
    let codecSettings: MQTTCodecSettings
    /// Identifies the connection in logs.
    let number: Int
    var context: ChannelHandlerContext?
    var state: State = .awaitingConnect

    var version: MQTTProtocolVersion = .v5_0
    /// The client identifier, known once CONNECT is decoded (the assigned one if it was empty).
    var clientID: String?
    var session: BrokerSession?
    var will: MQTTWill?
    /// `true` once the client sent DISCONNECT with reason code 0x00 (the will is not published).
    var discardsWill = false
    /// The session expiry interval in force when the connection closes.
    var sessionExpiryInterval: UInt32 = 0
    /// Whether CONNECT asked for a session expiry interval of 0 (DISCONNECT may then not raise it).
    var connectedWithZeroExpiry = true

    // Limits the client set in CONNECT.
    var clientReceiveMaximum = Int(UInt16.max)
    var clientMaximumPacketSize: UInt32?
    var clientTopicAliasMaximum: UInt16 = 0

    // Limits the broker advertised in CONNACK.
    var capabilities = MQTTTestBroker.Capabilities()
    var serverReceiveMaximum = Int(UInt16.max)
    var serverTopicAliasMaximum: UInt16 = 0

    var inboundTopicAliases: [UInt16: String] = [:]
    var outboundTopicAliases: [String: UInt16] = [:]

    var keepAlive: TimeAmount?
    var lastReceived = NIODeadline.now()
    var timer: Scheduled<Void>?

    /// Set while the connection handler writes, so an encoder error can be told from a decoder error.
    var isWriting = false

    init(channel: any Channel, codecSettings: MQTTCodecSettings, number: Int) {
        self.channel = channel
        self.codecSettings = codecSettings
        self.number = number
    }

    /// The client identifier for logs and records ("" before CONNECT).
    var recordID: String { clientID ?? "" }

    var isConnected: Bool { state == .connected }

    /// Writes `packet` through the encoder and flushes.
    func write(_ packet: MQTTPacket, promise: EventLoopPromise<Void>? = nil) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        isWriting = true
        defer { isWriting = false }
        context.writeAndFlush(NIOAny(packet), promise: promise)
    }

    /// Writes raw bytes below the encoder and flushes.
    func writeRaw(_ bytes: ByteBuffer) {
        guard
            let encoderContext = try? channel.pipeline.syncOperations.context(name: BrokerConnectionHandler.encoderName)
        else { return }
        encoderContext.writeAndFlush(NIOAny(bytes), promise: nil)
    }

    /// Closes the channel (idempotent).
    func close() {
        state = .closing
        timer?.cancel()
        timer = nil
        channel.close(promise: nil)
    }
}
