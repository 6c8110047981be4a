import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens the byte stream to the broker and installs the MQTT handlers on top. The pipeline, from
/// the socket up:
///
/// 1. the user's ``MQTTClient/Configuration/channelInitializer`` handlers;
/// 2. with a proxy: TLS to an `https://` proxy, then HTTP CONNECT (removed once the tunnel stands);
/// 3. TLS to the broker (`mqtts://`, `wss://`);
/// 4. the WebSocket upgrade and framing (`ws://`, `wss://`);
/// 5. the MQTT decoder and connection handler.
enum MQTTTransport {
    /// What one connection attempt needs.
    struct Options: Sendable {
        /// Where to connect.
        var endpoint: MQTTEndpoint
        /// The TLS context when TLS is used to the broker.
        var tlsContext: NIOSSLContext?
        /// The TLS settings (server name, certificate verifier).
        var tls: MQTTTLSConfiguration?
        /// The proxy to tunnel through, if any.
        var proxy: MQTTHTTPProxy?
        /// The TLS context of an `https://` proxy.
        var proxyTLSContext: NIOSSLContext?
        /// The (transformed) upgrade request for WebSocket endpoints.
        var webSocketRequest: MQTTWebSocketHandshakeRequest?
        /// The largest WebSocket frame accepted.
        var maximumFrameSize: Int
        /// The bound on establishing the transport (connect, proxy tunnel, TLS, upgrade).
        var connectTimeout: TimeAmount
        /// TCP options.
        var socketOptions: MQTTSocketOptions
        /// The user's channel hook.
        var channelInitializer: MQTTClient.Configuration.ChannelInitializer?
    }

    /// Connects and returns the channel once MQTT bytes can flow (after the proxy tunnel and the
    /// WebSocket upgrade).
    ///
    /// - Parameters:
    ///   - options: The attempt's settings.
    ///   - eventLoop: The client's event loop; the channel lives on it.
    ///   - addMQTTHandlers: Installs the MQTT handlers at the end of the pipeline (on the event loop).
    static func connect(
        _ options: Options,
        eventLoop: any EventLoop,
        addMQTTHandlers: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<any Channel> {
        let ready = eventLoop.makePromise(of: Void.self)
        let proxy = options.endpoint.transport == .unix ? nil : options.proxy
        var bootstrap = ClientBootstrap(group: eventLoop).connectTimeout(options.connectTimeout)
        if options.endpoint.transport != .unix {
            bootstrap = applySocketOptions(options.socketOptions, to: bootstrap)
        }
        bootstrap = bootstrap.channelInitializer { channel in
            let hook = options.channelInitializer?(channel) ?? channel.eventLoop.makeSucceededVoidFuture()
            return hook.flatMapThrowing {
                if let proxy {
                    try addProxyHandlers(proxy, options: options, channel: channel, ready: ready) { channel in
                        try addBrokerHandlers(options, channel: channel, ready: ready, addMQTTHandlers: addMQTTHandlers)
                    }
                } else {
                    try addBrokerHandlers(options, channel: channel, ready: ready, addMQTTHandlers: addMQTTHandlers)
                }
            }
        }
        let connected: EventLoopFuture<any Channel>
        if options.endpoint.transport == .unix {
            connected = bootstrap.connect(unixDomainSocketPath: options.endpoint.path)
        } else if let proxy {
            connected = bootstrap.connect(host: proxy.host, port: proxy.port).flatMapErrorThrowing { error in
                if error is MQTTError { throw error }
                throw MQTTError(
                    code: .transportFailure, message: "cannot connect to the HTTP proxy \(proxy): \(error)",
                    cause: error)
            }
        } else {
            connected = bootstrap.connect(host: options.endpoint.host, port: options.endpoint.port)
        }
        let timeout = eventLoop.scheduleTask(in: options.connectTimeout) {
            ready.fail(
                MQTTError(
                    code: .transportFailure,
                    message: "the connection to \(options.endpoint) was not set up within the connect timeout"))
        }
        return connected.flatMap { channel in
            ready.futureResult.map { channel }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }.always { _ in
            timeout.cancel()
            ready.fail(MQTTError(code: .transportFailure, message: "the connection failed while it was being set up"))
        }
    }

    // MARK: - Pipeline stages

    private static let proxyEncoderName = "mqtt-proxy-http-encoder"
    private static let proxyDecoderName = "mqtt-proxy-http-decoder"
    private static let proxyStatusName = "mqtt-proxy-status"

    /// Adds TLS to an `https://` proxy and the HTTP CONNECT exchange (NIOExtras'
    /// `NIOHTTP1ProxyConnectHandler`); once the tunnel stands, removes the HTTP handlers and runs
    /// `then` (on the event loop). A refused tunnel fails `ready` with a proxy error.
    private static func addProxyHandlers(
        _ proxy: MQTTHTTPProxy, options: Options, channel: any Channel, ready: EventLoopPromise<Void>,
        then: @escaping @Sendable (any Channel) throws -> Void
    ) throws {
        let operations = channel.pipeline.syncOperations
        if proxy.isSecure {
            guard let context = options.proxyTLSContext else {
                throw MQTTError(code: .invalidConfiguration, message: "no TLS context for the https proxy")
            }
            let name = proxy.tls?.serverName ?? (isIPAddress(proxy.host) ? nil : proxy.host)
            try operations.addHandler(NIOSSLClientHandler(context: context, serverHostname: name))
        }
        var headers = HTTPHeaders()
        let target = options.endpoint.host.contains(":") ? "[\(options.endpoint.host)]" : options.endpoint.host
        headers.add(name: "Host", value: "\(target):\(options.endpoint.port)")
        if let authorization = proxy.authorization { headers.add(name: "Proxy-Authorization", value: authorization) }
        for header in proxy.headers { headers.add(name: header.name, value: header.value) }
        let tunnel = channel.eventLoop.makePromise(of: Void.self)
        let status = MQTTHTTPProxyStatusRecorder()
        try operations.addHandler(HTTPRequestEncoder(), name: proxyEncoderName)
        try operations.addHandler(
            ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes)), name: proxyDecoderName)
        try operations.addHandler(status, name: proxyStatusName)
        try operations.addHandler(
            NIOHTTP1ProxyConnectHandler(
                targetHost: target, targetPort: options.endpoint.port, headers: headers,
                deadline: .now() + options.connectTimeout, promise: tunnel))
        let boundStatus = NIOLoopBound(status, eventLoop: channel.eventLoop)
        tunnel.futureResult.whenComplete { result in
            switch result {
            case .success:
                // The HTTP handlers leave first. The decoder is still decoding the proxy's answer
                // (this runs inside its read), so it leaves once that read is over; only then
                // may TLS or MQTT bytes flow, or they would meet its request-observing write side.
                let decoderRemoved = channel.eventLoop.makePromise(of: Void.self)
                do {
                    let operations = channel.pipeline.syncOperations
                    for name in [proxyEncoderName, proxyStatusName] {
                        operations.removeHandler(context: try operations.context(name: name), promise: nil)
                    }
                    operations.removeHandler(
                        context: try operations.context(name: proxyDecoderName), promise: decoderRemoved)
                } catch {
                    decoderRemoved.fail(error)
                }
                decoderRemoved.futureResult.flatMapThrowing {
                    try then(channel)
                }.whenFailure { error in
                    ready.fail(error)
                    channel.close(promise: nil)
                }
            case .failure(let error):
                let recorder = boundStatus.value
                ready.fail(
                    proxyError(
                        error, status: recorder.status, transportError: recorder.error, proxy: proxy, options: options))
            }
        }
    }

    /// The error of a refused or broken CONNECT exchange: 401, 403 and 407 are not retried.
    static func proxyError(
        _ error: any Error, status: HTTPResponseStatus?, transportError: (any Error)? = nil, proxy: MQTTHTTPProxy,
        options: Options
    ) -> MQTTError {
        let target = "\(options.endpoint.host):\(options.endpoint.port)"
        if status == nil, let transportError {
            // The connection to the proxy itself failed (TLS to an https:// proxy, I/O).
            return MQTTError(
                code: .transportFailure, message: "the connection to the HTTP proxy \(proxy) failed: \(transportError)",
                cause: transportError)
        }
        guard let status, !(200..<300).contains(status.code) else {
            return MQTTError(
                code: .proxyRefused, message: "the HTTP proxy \(proxy) did not open a tunnel to \(target): \(error)",
                cause: error)
        }
        let refused = "the HTTP proxy \(proxy) refused CONNECT \(target): HTTP \(status.code) \(status.reasonPhrase)"
        switch status.code {
        case 401, 407:  // tinyproxy answers wrong credentials with 401
            let hint = proxy.username == nil ? " (no credentials were sent)" : " (check the user name and password)"
            return MQTTError(code: .proxyNotAuthorized, message: refused + hint, cause: error)
        case 403:
            return MQTTError(code: .proxyNotAuthorized, message: refused, cause: error)
        default:
            return MQTTError(code: .proxyRefused, message: refused, cause: error)
        }
    }

    /// Adds TLS to the broker, then the WebSocket upgrade or the MQTT handlers directly.
    private static func addBrokerHandlers(
        _ options: Options, channel: any Channel, ready: EventLoopPromise<Void>,
        addMQTTHandlers: @escaping @Sendable (any Channel) throws -> Void
    ) throws {
        let operations = channel.pipeline.syncOperations
        if let tlsContext = options.tlsContext {
            let serverName =
                options.tls?.serverName ?? (isIPAddress(options.endpoint.host) ? nil : options.endpoint.host)
            if let verifier = options.tls?.certificateVerifier {
                let gate = MQTTCertificateVerifierGate(verifier: verifier, host: options.endpoint.host)
                let boundGate = NIOLoopBound(gate, eventLoop: channel.eventLoop)
                try operations.addHandler(
                    NIOSSLClientHandler(
                        context: tlsContext, serverHostname: serverName,
                        customVerificationCallback: { certificates, promise in
                            boundGate.value.verify(certificates, promise: promise)
                        }))
                try operations.addHandler(gate)
            } else {
                try operations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
            }
        }
        guard let request = options.webSocketRequest else {
            try addMQTTHandlers(channel)
            ready.succeed()
            return
        }
        let watcher = MQTTWebSocketUpgradeWatcher(request: request, upgraded: ready)
        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: options.maximumFrameSize) { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                let operations = channel.pipeline.syncOperations
                operations.removeHandler(
                    context: try operations.context(name: MQTTWebSocketUpgradeWatcher.name), promise: nil)
                try operations.addHandler(MQTTWebSocketFrameHandler())
                try addMQTTHandlers(channel)
                ready.succeed()
            }
        }
        try operations.addHTTPClientHandlers(withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        try operations.addHandler(watcher, name: MQTTWebSocketUpgradeWatcher.name)
    }

    /// Sets TCP_NODELAY and the TCP keep-alive options on the bootstrap.
    private static func applySocketOptions(
        _ options: MQTTSocketOptions, to bootstrap: ClientBootstrap
    )
        -> ClientBootstrap
    {
        var bootstrap = bootstrap.channelOption(.tcpOption(.tcp_nodelay), value: options.noDelay ? 1 : 0)
        guard let keepAlive = options.keepAlive else { return bootstrap }
        bootstrap = bootstrap.channelOption(.socketOption(.so_keepalive), value: 1)
        for (option, value) in keepAliveOptions(keepAlive) {
            bootstrap = bootstrap.channelOption(.tcpOption(option), value: value)
        }
        return bootstrap
    }

    /// The TCP-level options of `keepAlive` with their values (whole seconds, at least 1).
    static func keepAliveOptions(_ keepAlive: MQTTSocketOptions.KeepAlive) -> [(NIOBSDSocket.Option, SocketOptionValue)]
    {
        func seconds(_ duration: Duration) -> SocketOptionValue {
            SocketOptionValue(clamping: max(1, duration.components.seconds))
        }
        #if canImport(Darwin)
            let idle = NIOBSDSocket.Option(rawValue: TCP_KEEPALIVE)
        #else
            let idle = NIOBSDSocket.Option(rawValue: TCP_KEEPIDLE)
        #endif
        return [
            (idle, seconds(keepAlive.idle)),
            (NIOBSDSocket.Option(rawValue: TCP_KEEPINTVL), seconds(keepAlive.interval)),
            (NIOBSDSocket.Option(rawValue: TCP_KEEPCNT), SocketOptionValue(clamping: max(1, keepAlive.count))),
        ]
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
