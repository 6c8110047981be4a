/// An HTTP proxy that the client tunnels through with `CONNECT host:port` (AWS CRT's
/// `http_proxy_options`), for every transport but `unix:`. TLS and WebSocket run inside the tunnel.
///
/// ```swift
/// configuration.proxy = try MQTTHTTPProxy(url: "http://user:secret@proxy.corp:3128")
/// ```
///
/// A proxy that refuses the tunnel fails the attempt with ``MQTTError/Code/proxyNotAuthorized``
/// for 407, 401 and 403 (the client stops: retrying cannot fix credentials), or
/// ``MQTTError/Code/proxyRefused`` for any other status such as 502, 503 or 504 (retried).
public struct MQTTHTTPProxy: Hashable, Sendable, CustomStringConvertible {
    /// The proxy's host name or address.
    public var host: String
    /// The proxy's port.
    public var port: Int
    /// Whether the connection to the proxy itself uses TLS (an `https://` proxy URL).
    public var isSecure: Bool
    /// The user name for `Proxy-Authorization: Basic`, if any.
    public var username: String?
    /// The password for `Proxy-Authorization: Basic`, if any. Never logged.
    public var password: String?
    /// TLS settings for an `https://` proxy (system trust when `nil`); independent of the broker's.
    public var tls: MQTTTLSConfiguration?
    /// Extra headers of the CONNECT request.
    public var headers: [MQTTUserProperty]

    /// Creates proxy settings from parts.
    ///
    /// - Parameters:
    ///   - host: The proxy host.
    ///   - port: The proxy port.
    ///   - isSecure: Whether to speak TLS to the proxy.
    ///   - username: The basic-auth user name.
    ///   - password: The basic-auth password.
    ///   - tls: TLS settings for a secure proxy.
    ///   - headers: Extra CONNECT headers.
    public init(
        host: String, port: Int, isSecure: Bool = false, username: String? = nil, password: String? = nil,
        tls: MQTTTLSConfiguration? = nil, headers: [MQTTUserProperty] = []
    ) {
        self.host = host
        self.port = port
        self.isSecure = isSecure
        self.username = username
        self.password = password
        self.tls = tls
        self.headers = headers
    }

    /// Parses `http://[user[:password]@]host[:port]` (port 80 by default) or `https://...`
    /// (port 443). User name and password may be percent-encoded.
    ///
    /// - Parameter url: The proxy URL.
    /// - Throws: ``MQTTError`` with code ``MQTTError/Code/invalidConfiguration`` for a bad URL.
    public init(url: String) throws(MQTTError) {
        func invalid(_ why: String) -> MQTTError {
            MQTTError(code: .invalidConfiguration, message: "invalid proxy URL: \(why)")
        }
        let isSecure: Bool
        var rest: Substring
        if url.lowercased().hasPrefix("http://") {
            isSecure = false
            rest = url.dropFirst(7)
        } else if url.lowercased().hasPrefix("https://") {
            isSecure = true
            rest = url.dropFirst(8)
        } else {
            throw invalid("expected http:// or https://")
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else { throw invalid("a proxy URL has no path") }
            rest = rest[..<slash]
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = Self.percentDecoded(userInfo[..<colon])
                password = Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                username = Self.percentDecoded(userInfo)
            }
        }
        let hostEnd = rest.lastIndex(of: "]") ?? rest.startIndex
        let hasPort = rest[hostEnd...].contains(":")
        let endpoint: MQTTEndpoint
        do {
            endpoint = try MQTTEndpoint(url: "mqtt://\(rest)")
        } catch {
            throw invalid("bad host or port in '\(rest)'")
        }
        self.init(
            host: endpoint.host, port: hasPort ? endpoint.port : (isSecure ? 443 : 80), isSecure: isSecure,
            username: username, password: password)
    }

    /// The `Proxy-Authorization` header value, when a user name is set.
    var authorization: String? {
        guard let username else { return nil }
        return "Basic " + MQTTBase64.encode(Array("\(username):\(password ?? "")".utf8))
    }

    /// The proxy as a URL, without the password.
    public var description: String {
        let user = username.map { "\($0)@" } ?? ""
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(isSecure ? "https" : "http")://\(user)\(hostPart):\(port)"
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
