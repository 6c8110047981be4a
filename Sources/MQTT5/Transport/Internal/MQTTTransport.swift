import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Opens the byte stream to the broker: TCP, TLS, WebSocket (over either) or a Unix domain
/// socket, with TCP_NODELAY, and installs the MQTT handlers on top.
enum MQTTTransport {
    /// Connects and returns the channel once MQTT bytes can flow (after a WebSocket upgrade).
    ///
    /// - Parameters:
    ///   - endpoint: Where to connect.
    ///   - eventLoop: The client's event loop; the channel lives on it.
    ///   - tlsContext: The TLS context when TLS is used.
    ///   - tls: The TLS settings (server name).
    ///   - webSocketRequest: The (transformed) upgrade request for WebSocket endpoints.
    ///   - maximumFrameSize: The largest WebSocket frame accepted.
    ///   - connectTimeout: The bound on establishing the transport.
    ///   - addMQTTHandlers: Installs the MQTT handlers at the end of the pipeline (on the event loop).
    static func connect(
        endpoint: MQTTEndpoint,
        eventLoop: any EventLoop,
        tlsContext: NIOSSLContext?,
        tls: MQTTTLSConfiguration?,
        webSocketRequest: MQTTWebSocketHandshakeRequest?,
        maximumFrameSize: Int,
        connectTimeout: TimeAmount,
        addMQTTHandlers: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<any Channel> {
        let upgraded: EventLoopPromise<Void>? = webSocketRequest == nil ? nil : eventLoop.makePromise()
        let serverName = tls?.serverName ?? (isIPAddress(endpoint.host) ? nil : endpoint.host)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let tlsContext {
                        try operations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    if let webSocketRequest, let upgraded {
                        let watcher = MQTTWebSocketUpgradeWatcher(request: webSocketRequest, upgraded: upgraded)
                        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: maximumFrameSize) { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                let operations = channel.pipeline.syncOperations
                                operations.removeHandler(
                                    context: try operations.context(name: MQTTWebSocketUpgradeWatcher.name),
                                    promise: nil)
                                try operations.addHandler(MQTTWebSocketFrameHandler())
                                try addMQTTHandlers(channel)
                                upgraded.succeed()
                            }
                        }
                        try operations.addHTTPClientHandlers(
                            withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                        try operations.addHandler(watcher, name: MQTTWebSocketUpgradeWatcher.name)
                    } else {
                        try addMQTTHandlers(channel)
                    }
                }
            }
        let connected: EventLoopFuture<any Channel>
        if endpoint.transport == .unix {
            connected = bootstrap.connect(unixDomainSocketPath: endpoint.path)
        } else {
            connected = bootstrap.connect(host: endpoint.host, port: endpoint.port)
        }
        guard let upgraded else { return connected }
        let timeout = eventLoop.scheduleTask(in: connectTimeout) {
            upgraded.fail(
                MQTTError(
                    code: .transportFailure,
                    message: "the WebSocket upgrade did not complete within the connect timeout"))
        }
        return connected.flatMap { channel in
            upgraded.futureResult.map { channel }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }.always { _ in
            timeout.cancel()
            upgraded.fail(
                MQTTError(code: .transportFailure, message: "the connection failed before the WebSocket upgrade"))
        }
    }

    /// The default upgrade request for a WebSocket endpoint.
    static func defaultHandshakeRequest(
        endpoint: MQTTEndpoint, extraHeaders: [(name: String, value: String)]
    ) -> MQTTWebSocketHandshakeRequest {
        let defaultPort = endpoint.port == MQTTEndpoint.defaultPort(endpoint.transport)
        let hostName = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        let host = defaultPort ? hostName : "\(hostName):\(endpoint.port)"
        var headers = [
            MQTTUserProperty(name: "Host", value: host),
            MQTTUserProperty(name: "Sec-WebSocket-Protocol", value: "mqtt"),
        ]
        for header in extraHeaders {
            headers.append(MQTTUserProperty(name: header.name, value: header.value))
        }
        return MQTTWebSocketHandshakeRequest(path: endpoint.path, host: host, headers: headers)
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
