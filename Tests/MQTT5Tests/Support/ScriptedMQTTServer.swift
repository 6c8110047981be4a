import MQTT5TestSupport
import MQTT5
import NIOCore
import NIOPosix
import Synchronization

/// A scriptable in-process MQTT server for fault tests: the test reads what the client sends
/// packet by packet and answers whatever it wants (or nothing, or raw bytes).
///
/// ```swift
/// let server = try await ScriptedMQTTServer.start()
/// let connection = try await server.nextConnection()
/// guard case .connect = try await connection.receive() else { ... }
/// connection.send(.connAck(MQTTConnAckPacket()))
/// ```
final class ScriptedMQTTServer: Sendable {
    let channel: any Channel
    let port: Int
    private let connections: TestQueue<ScriptedConnection>

    private init(channel: any Channel, connections: TestQueue<ScriptedConnection>) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.connections = connections
    }

    /// Starts listening on 127.0.0.1 (a free port) or on the Unix socket `unixSocketPath`.
    static func start(unixSocketPath: String? = nil) async throws -> ScriptedMQTTServer {
        let connections = TestQueue<ScriptedConnection>()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = ScriptedConnection(channel: channel)
                    try channel.pipeline.syncOperations.addHandler(ScriptedConnectionHandler(connection: connection))
                    connections.push(connection)
                }
            }
        let channel: any Channel
        if let unixSocketPath {
            channel = try await bootstrap.bind(unixDomainSocketPath: unixSocketPath, cleanupExistingSocketFile: true)
                .get()
        } else {
            channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        }
        return ScriptedMQTTServer(channel: channel, connections: connections)
    }

    /// The URL a client connects to.
    var url: String { "mqtt://127.0.0.1:\(port)" }

    /// The next accepted connection.
    func nextConnection(timeout: Duration = .seconds(10)) async throws -> ScriptedConnection {
        try await connections.next(timeout: timeout, "connection")
    }

    /// Accepts the next connection, reads its CONNECT and answers `connAck`.
    func acceptClient(
        _ connAck: MQTTConnAckPacket = MQTTConnAckPacket(),
        timeout: Duration = .seconds(10)
    ) async throws -> (ScriptedConnection, MQTTConnectPacket) {
        let connection = try await nextConnection(timeout: timeout)
        guard case .connect(let connect) = try await connection.receive(timeout: timeout) else {
            throw TestTimeout("the first packet was not CONNECT")
        }
        connection.version = connect.protocolVersion
        connection.send(.connAck(connAck))
        return (connection, connect)
    }

    func close() async {
        try? await channel.close()
        connections.finish()
    }
}

/// One client connection of a ``ScriptedMQTTServer``.
final class ScriptedConnection: Sendable {
    let channel: any Channel
    let packets = TestQueue<MQTTPacket>()
    private let versionStorage = Atomic<UInt8>(MQTTProtocolVersion.v5_0.rawValue)
    private let closedFlag = Atomic<Bool>(false)
    let closedQueue = TestQueue<Void>()

    init(channel: any Channel) {
        self.channel = channel
    }

    /// The protocol version used to encode what the server sends.
    var version: MQTTProtocolVersion {
        get { MQTTProtocolVersion(rawValue: versionStorage.load(ordering: .relaxed)) ?? .v5_0 }
        set { versionStorage.store(newValue.rawValue, ordering: .relaxed) }
    }

    var isClosed: Bool { closedFlag.load(ordering: .relaxed) }

    func markClosed() {
        closedFlag.store(true, ordering: .relaxed)
        packets.finish()
        closedQueue.push(())
    }

    /// The next packet from the client.
    func receive(timeout: Duration = .seconds(10)) async throws -> MQTTPacket {
        try await packets.next(timeout: timeout, "packet from the client")
    }

    /// Skips packets (PINGREQs...) until one matches.
    func receive(timeout: Duration = .seconds(10), where predicate: (MQTTPacket) -> Bool) async throws -> MQTTPacket {
        try await packets.first(timeout: timeout, "matching packet from the client", where: predicate)
    }

    /// Encodes and sends `packet`.
    func send(_ packet: MQTTPacket) {
        var buffer = channel.allocator.buffer(capacity: 64)
        try! packet.encode(into: &buffer, version: version)
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Sends raw bytes.
    func sendRaw(_ bytes: [UInt8]) {
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    /// Closes the connection.
    func close() {
        channel.close(promise: nil)
    }

    /// Waits until the client closes the connection.
    func waitForClose(timeout: Duration = .seconds(10)) async throws {
        if isClosed { return }
        try await closedQueue.next(timeout: timeout, "connection close")
    }
}

/// Decodes what the client sends into packets for the test.
final class ScriptedConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connection: ScriptedConnection
    private var buffer: ByteBuffer?
    private var decoder = MQTTFrameDecoder(version: .v5_0)

    init(connection: ScriptedConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var pending = buffer.take() {
            pending.writeBuffer(&incoming)
            incoming = pending
        }
        do {
            while let packet = try decoder.decode(&incoming) {
                connection.packets.push(packet)
            }
        } catch {
            context.close(promise: nil)
        }
        if incoming.readableBytes > 0 { buffer = incoming }
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.markClosed()
    }
}
