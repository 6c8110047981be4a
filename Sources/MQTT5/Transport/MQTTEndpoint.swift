/// Where the broker is and how to reach it, parsed from a URL.
///
/// | URL | Transport | Default port |
/// |---|---|---|
/// | `mqtt://host[:port]` | TCP | 1883 |
/// | `mqtts://host[:port]` | TLS | 8883 |
/// | `ws://host[:port][/path]` | WebSocket | 80, path `/mqtt` |
/// | `wss://host[:port][/path]` | WebSocket over TLS | 443, path `/mqtt` |
/// | `unix:/path/to/socket` | Unix domain socket | |
public struct MQTTEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The transport of an endpoint.
    public struct Transport: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case tcp, tls, webSocket, secureWebSocket, unix }
        let kind: Kind

        /// Plain TCP (`mqtt://`).
        public static let tcp = Transport(kind: .tcp)
        /// TLS over TCP (`mqtts://`).
        public static let tls = Transport(kind: .tls)
        /// WebSocket over TCP (`ws://`).
        public static let webSocket = Transport(kind: .webSocket)
        /// WebSocket over TLS (`wss://`).
        public static let secureWebSocket = Transport(kind: .secureWebSocket)
        /// A Unix domain socket (`unix:`).
        public static let unix = Transport(kind: .unix)

        /// Whether the transport uses TLS.
        public var isSecure: Bool { kind == .tls || kind == .secureWebSocket }
        /// Whether the transport is a WebSocket.
        public var isWebSocket: Bool { kind == .webSocket || kind == .secureWebSocket }

        /// The URL scheme of the transport.
        public var description: String {
            switch kind {
            case .tcp: "mqtt"
            case .tls: "mqtts"
            case .webSocket: "ws"
            case .secureWebSocket: "wss"
            case .unix: "unix"
            }
        }
    }

    /// The transport.
    public var transport: Transport
    /// The host name or address (empty for Unix sockets).
    public var host: String
    /// The port (0 for Unix sockets).
    public var port: Int
    /// The WebSocket request path (with query, if any), or the Unix socket path.
    public var path: String

    /// Creates an endpoint from its parts.
    ///
    /// - Parameters:
    ///   - transport: The transport.
    ///   - host: The host (ignored for Unix sockets).
    ///   - port: The port; `nil` for the transport's default.
    ///   - path: The WebSocket path (default `/mqtt`) or the Unix socket path.
    public init(transport: Transport, host: String = "", port: Int? = nil, path: String? = nil) {
        self.transport = transport
        self.host = transport == .unix ? "" : host
        self.port = port ?? Self.defaultPort(transport)
        self.path = path ?? (transport.isWebSocket ? "/mqtt" : "")
    }

    /// Parses a URL such as `mqtts://broker.example:8883` or `unix:/run/mosquitto.sock`.
    ///
    /// - Parameter url: The URL.
    /// - Throws: ``MQTTError`` with code ``MQTTError/Code/invalidConfiguration`` when the URL has
    ///   an unknown scheme, no host, or a bad port.
    public init(url: String) throws(MQTTError) {
        func invalid(_ why: String) -> MQTTError {
            MQTTError(code: .invalidConfiguration, message: "invalid endpoint URL '\(url)': \(why)")
        }
        guard let colon = url.firstIndex(of: ":") else {
            throw invalid("no scheme (use mqtt://, mqtts://, ws://, wss:// or unix:)")
        }
        let scheme = url[..<colon].lowercased()
        var rest = url[url.index(after: colon)...]
        let transport: Transport
        switch scheme {
        case "mqtt", "tcp": transport = .tcp
        case "mqtts", "ssl", "tls": transport = .tls
        case "ws": transport = .webSocket
        case "wss": transport = .secureWebSocket
        case "unix":
            while rest.hasPrefix("//") { rest = rest.dropFirst() }
            guard !rest.isEmpty else { throw invalid("no socket path") }
            self.init(transport: .unix, path: String(rest))
            return
        default: throw invalid("unknown scheme '\(scheme)'")
        }
        guard rest.hasPrefix("//") else { throw invalid("expected '//' after the scheme") }
        rest = rest.dropFirst(2)
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()) else { throw invalid("bad port") }
                port = value
            } else if !after.isEmpty {
                throw invalid("unexpected '\(after)' after the IPv6 address")
            }
        } else if let portColon = authority.lastIndex(of: ":") {
            host = authority[..<portColon]
            guard let value = Int(authority[authority.index(after: portColon)...]) else { throw invalid("bad port") }
            port = value
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw invalid("no host") }
        if let port, !(1...65_535).contains(port) { throw invalid("port \(port) out of range") }
        self.init(
            transport: transport,
            host: String(host),
            port: port,
            path: transport.isWebSocket && !path.isEmpty ? String(path) : nil
        )
    }

    static func defaultPort(_ transport: Transport) -> Int {
        switch transport.kind {
        case .tcp: 1883
        case .tls: 8883
        case .webSocket: 80
        case .secureWebSocket: 443
        case .unix: 0
        }
    }

    /// The endpoint as a URL.
    public var description: String {
        if transport == .unix { return "unix:\(path)" }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(transport)://\(hostPart):\(port)\(transport.isWebSocket ? path : "")"
    }
}
