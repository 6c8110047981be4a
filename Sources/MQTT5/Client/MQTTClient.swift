public import Logging
public import NIOCore
public import NIOPosix

/// An MQTT 5 (and 3.1.1) client on SwiftNIO that keeps itself connected.
///
/// All of its state lives on one event loop (``eventLoop``); the public API is `async` and can be
/// called from anywhere, and nothing a caller does runs on the event loop. Incoming publishes and
/// lifecycle events arrive through `AsyncSequence`s (``publishes(matching:bufferingPolicy:)``,
/// ``events(bufferingPolicy:)``).
///
/// ```swift
/// let client = MQTTClient(configuration: try .init(url: "mqtt://localhost", clientIdentifier: "sensor-1"))
/// client.start()
/// try await client.waitForConnection(timeout: .seconds(10))
/// let result = try await client.publish(to: "sensors/1", payload: ByteBuffer(string: "21.5"), qos: .atLeastOnce)
/// await client.stop()
/// ```
///
/// Or scoped, so that the client is always stopped: ``withMQTTClient(configuration:eventLoopGroup:logger:connectTimeout:_:)``.
public final class MQTTClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    /// The event loop on which all client state lives and every connection runs.
    public let eventLoop: any EventLoop
    let core: MQTTClientCore

    /// Creates a stopped client; ``start()`` connects it.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - eventLoopGroup: The group to take an event loop from (the shared NIO singleton by default).
    ///   - logger: Where to log (connection events at debug level; never credentials or payloads).
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = .current
    ) {
        self.configuration = configuration
        self.eventLoop = eventLoopGroup.next()
        var logger = logger
        if !configuration.clientIdentifier.isEmpty {
            logger[metadataKey: "mqtt.client_id"] = "\(configuration.clientIdentifier)"
        }
        self.core = MQTTClientCore(configuration: configuration, eventLoop: eventLoop, logger: logger)
    }

    deinit {
        // A client dropped without `stop()` stops: no reconnection loop outlives its owner.
        let core = self.core
        eventLoop.execute {
            core.stop(disconnect: MQTTDisconnectPacket(), promise: nil)
            core.finishStreams()
        }
    }

    /// Starts keeping the client connected: connects now and reconnects after every disconnection
    /// (per ``Configuration/reconnect``) until ``stop(disconnect:)``, or until a connection failure
    /// that retrying cannot heal stops it. Calling it on a started client does nothing.
    ///
    /// Follow progress with ``events(bufferingPolicy:)`` or wait with ``waitForConnection(timeout:)``.
    public func start() {
        let contexts = MQTTTransportContexts.make(for: configuration)
        execute { core in core.start(contexts: contexts) }
    }

    /// Stops the client: sends `disconnect` if connected, closes the connection, stops
    /// reconnecting, fails every pending operation with ``MQTTError/Code/clientStopped`` and emits
    /// ``MQTTClientEvent/stopped(_:)``. Returns once stopped.
    ///
    /// - Parameter disconnect: The DISCONNECT to send (normal disconnection by default; use
    ///   ``MQTTDisconnectReasonCode/disconnectWithWillMessage`` to have the broker publish the will).
    ///   Its Session Expiry Interval is dropped when the connection's CONNECT asked for 0, since
    ///   MQTT 5 forbids raising it from 0 at disconnection (MQTT-3.14.2-2).
    public func stop(disconnect: MQTTDisconnectPacket = MQTTDisconnectPacket()) async {
        let promise = eventLoop.makePromise(of: Void.self)
        execute { core in core.stop(disconnect: disconnect, promise: promise) }
        try? await promise.futureResult.get()
    }

    /// Waits until the client is connected (returns at once if it is).
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: The settings of the connection.
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/connAckTimeout`` when the time runs out,
    ///   ``MQTTError/Code/clientStopped`` when the client is or becomes stopped (for example after
    ///   a refused CONNACK that cannot heal; the error's cause says why), or
    ///   ``MQTTError/Code/cancelled`` when the calling task is cancelled.
    @discardableResult
    public func waitForConnection(timeout: Duration) async throws(MQTTError) -> MQTTNegotiatedSettings {
        let promise = eventLoop.makePromise(of: MQTTNegotiatedSettings.self)
        execute { core in core.waitForConnection(timeout: TimeAmount(timeout), promise: promise) }
        return try await awaitOnLoop(promise.futureResult) { core in core.cancelConnectionWaiter(promise) }
    }

    /// The settings of the current connection, or `nil` while not connected. Readable from any thread.
    public var negotiatedSettings: MQTTNegotiatedSettings? {
        core.shared.negotiatedSettings
    }

    /// Whether the client is connected (a CONNACK accepted the current connection). Readable from any thread.
    public var isConnected: Bool {
        core.shared.isConnected
    }

    /// Counts and sizes of the queued and unacknowledged operations. Readable from any thread.
    public var statistics: MQTTOperationStatistics {
        core.shared.statistics
    }

    /// Runs `body` with the core on the event loop: at once when already there, else after one hop.
    func execute(_ body: @escaping @Sendable (MQTTClientCore) -> Void) {
        if eventLoop.inEventLoop {
            body(core)
        } else {
            let core = self.core
            eventLoop.execute { body(core) }
        }
    }

    /// Awaits a future completed on ``eventLoop``; cancelling the task runs `onCancel` with the
    /// core on the loop (which must fail or drop the future). Any other error than ``MQTTError``
    /// becomes `endedCode` with `what` in its message.
    func awaitOnLoop<Value: Sendable>(
        _ future: EventLoopFuture<Value>, endedCode: MQTTError.Code = .clientStopped, what: String = "the wait",
        onCancel: @escaping @Sendable (MQTTClientCore) -> Void
    ) async throws(MQTTError) -> Value {
        let core = self.core
        let loop = eventLoop
        do {
            return try await withTaskCancellationHandler {
                try await future.get()
            } onCancel: {
                loop.execute { onCancel(core) }
            }
        } catch let error as MQTTError {
            throw error
        } catch {
            throw MQTTError(code: endedCode, message: "\(what) ended without a result: \(error)", cause: error)
        }
    }

    /// Awaits a future, mapping its error to ``MQTTError``.
    static func value<Value: Sendable>(of future: EventLoopFuture<Value>) async throws(MQTTError) -> Value {
        do {
            return try await future.get()
        } catch let error as MQTTError {
            throw error
        } catch {
            throw MQTTError(
                code: .clientStopped, message: "the operation ended without a result: \(error)", cause: error)
        }
    }
}
