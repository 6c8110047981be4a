/// The HTTP upgrade request of a WebSocket connection, as given to
/// ``MQTTWebSocketConfiguration/handshakeTransform``.
///
/// The `Upgrade`, `Connection`, `Sec-WebSocket-Key` and `Sec-WebSocket-Version` headers are added
/// when the request is sent and must not be set here.
public struct MQTTWebSocketHandshakeRequest: Sendable, Hashable {
    /// The request target: path and query, e.g. `/mqtt?X-Amz-Signature=...`.
    public var path: String
    /// The `Host` header value.
    public var host: String
    /// The headers, in order (including `Host` and `Sec-WebSocket-Protocol: mqtt`).
    public var headers: [MQTTUserProperty]

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - path: Path and query.
    ///   - host: The `Host` value.
    ///   - headers: The headers as name-value pairs.
    public init(path: String, host: String, headers: [MQTTUserProperty]) {
        self.path = path
        self.host = host
        self.headers = headers
    }

    /// The first value of the header `name` (case-insensitive), if present.
    ///
    /// - Parameter name: The header name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Replaces every header named `name` (case-insensitive) with one of value `value`.
    ///
    /// - Parameters:
    ///   - name: The header name.
    ///   - value: The value.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append(MQTTUserProperty(name: name, value: value))
    }
}
