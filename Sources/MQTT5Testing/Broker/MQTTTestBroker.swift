import Logging
import MQTT5
public import NIOCore
import NIOPosix
import Synchronization

/// An MQTT 5 and MQTT 3.1.1 broker that runs inside the test process, on a loopback port, for
/// tests of clients and of the services built on them.
///
/// It implements what clients rely on (sessions, QoS 0/1/2 both ways, retained messages, wills,
/// wildcards, shared subscriptions, subscription options and identifiers, topic aliases, flow
/// control, keep-alive) and offers what a real broker cannot: ``faults`` that make it misbehave
/// on purpose, a log of every packet each client sent and received, and commands such as
/// ``dropConnection(clientID:)`` or ``sendDisconnect(clientID:reasonCode:reasonString:serverReference:userProperties:)``.
/// It keeps everything in memory and is not meant for production.
///
/// Prefer the scoped ``withMQTTTestBroker(configuration:isolation:_:)``, which always shuts the
/// broker down:
///
/// ```swift
/// try await withMQTTTestBroker { broker in
///     // connect a client to broker.host:broker.port (or broker.endpoint)
///     broker.faults.subscribeResult = { _, _ in .notAuthorized }
///     let subscribe = try await broker.waitForPacket(from: "device-1") { $0.packetType == .subscribe }
/// }
/// ```
///
/// ## Threading
/// All routing and session state lives on one event loop, which serves every connection; the
/// public API hops to it. Faults, capabilities and observations sit behind locks, so they can
/// be read and changed from any thread at any time.
public final class MQTTTestBroker: Sendable {
    /// The address the broker listens on.
    public let host: String
    /// The TCP port the broker listens on (the chosen free port when configured with port 0).
    public let port: Int
    /// The configuration the broker was started with.
    public let configuration: Configuration
    /// The event loop that runs the broker and all its connections.
    public let eventLoop: any EventLoop

    /// `mqtt://<host>:<port>`, for clients configured by URL.
    public var endpoint: String { "mqtt://\(host):\(port)" }

    let shared: BrokerShared
    let core: NIOLoopBound<BrokerCore>
    private let serverChannel: any Channel
    private let isShutDown = Atomic(false)

    private init(
        host: String,
        port: Int,
        configuration: Configuration,
        eventLoop: any EventLoop,
        shared: BrokerShared,
        core: NIOLoopBound<BrokerCore>,
        serverChannel: any Channel
    ) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.shared = shared
        self.core = core
        self.serverChannel = serverChannel
    }

    /// Starts a broker listening on ``Configuration/host`` and ``Configuration/port``.
    ///
    /// Call ``shutdown()`` when done, or use ``withMQTTTestBroker(configuration:isolation:_:)``.
    ///
    /// - Parameter configuration: How to listen and behave.
    /// - Returns: The running broker.
    /// - Throws: ``MQTTTestBrokerError`` with code ``MQTTTestBrokerError/Code/startFailed`` when
    ///   the address cannot be bound.
    public static func start(configuration: Configuration = Configuration()) async throws -> MQTTTestBroker {
        let eventLoop = (configuration.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton).next()
        let shared = BrokerShared(configuration: configuration)
        let core = try await eventLoop.submit {
            NIOLoopBound(BrokerCore(eventLoop: eventLoop, shared: shared), eventLoop: eventLoop)
        }.get()
        let bootstrap = ServerBootstrap(group: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try core.value.accept(channel) }
            }
        let serverChannel: any Channel
        do {
            serverChannel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            throw MQTTTestBrokerError(
                code: .startFailed,
                message: "cannot listen on \(configuration.host):\(configuration.port): \(error)"
            )
        }
        guard let port = serverChannel.localAddress?.port else {
            try? await serverChannel.close()
            throw MQTTTestBrokerError(code: .startFailed, message: "the listening socket has no port")
        }
        configuration.logger.debug(
            "MQTT test broker listening", metadata: ["mqtt.host": "\(configuration.host)", "mqtt.port": "\(port)"])
        return MQTTTestBroker(
            host: configuration.host,
            port: port,
            configuration: configuration,
            eventLoop: eventLoop,
            shared: shared,
            core: core,
            serverChannel: serverChannel
        )
    }

    /// Stops listening, disconnects every client (MQTT 5 clients get DISCONNECT with 0x8B,
    /// Server shutting down; no wills are published) and ends every event stream.
    ///
    /// Returns once every connection has closed. Calling it again does nothing.
    public func shutdown() async {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? await serverChannel.close()
        let core = self.core
        try? await eventLoop.flatSubmit { core.value.shutdown() }.get()
        shared.observations.finish()
        configuration.logger.debug("MQTT test broker shut down", metadata: ["mqtt.port": "\(port)"])
    }

    /// Runs `body` on the broker's event loop with its core, or returns `nil` once the loop is gone.
    func withCore<Result: Sendable>(_ body: @escaping @Sendable (BrokerCore) -> Result) async -> Result? {
        let core = self.core
        return try? await eventLoop.submit { body(core.value) }.get()
    }
}

/// Starts an ``MQTTTestBroker``, runs `body` with it and shuts it down, also when `body` throws
/// or its task is cancelled.
///
/// ```swift
/// @Test func deviceReportsTemperature() async throws {
///     try await withMQTTTestBroker { broker in
///         let service = try await startMyService(endpoint: broker.endpoint)
///         ...
///     }
/// }
/// ```
///
/// - Parameters:
///   - configuration: How the broker listens and behaves.
///   - isolation: The actor `body` runs on; inferred.
///   - body: The code using the broker.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, or ``MQTTTestBrokerError`` when the broker cannot start.
public func withMQTTTestBroker<Result>(
    configuration: MQTTTestBroker.Configuration = MQTTTestBroker.Configuration(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (MQTTTestBroker) async throws -> sending Result
) async throws -> sending Result {
    let broker = try await MQTTTestBroker.start(configuration: configuration)
    let result: Result
    do {
        result = try await body(broker)
    } catch {
        await broker.shutdown()
        throw error
    }
    await broker.shutdown()
    return result
}
