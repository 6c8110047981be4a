public import MQTT5

/// Connection settings for an AWS IoT Core custom authorizer: the authorizer's name, the token
/// (and its signature, for a signing authorizer) and the user's own user name and password,
/// placed where AWS IoT reads them for each transport.
///
/// - `mqtts://` (port 443): in the MQTT user name as query parameters
///   (`user?x-amz-customauthorizer-name=…&token-key=…&x-amz-customauthorizer-signature=…`),
///   with ALPN `mqtt`, which AWS IoT requires for custom authentication on port 443.
/// - `wss://`: in the upgrade request's headers (`x-amz-customauthorizer-name`, the token key,
///   `x-amz-customauthorizer-signature`).
///
/// ```swift
/// var configuration = try MQTTClient.Configuration(url: "mqtts://xxxx-ats.iot.us-east-1.amazonaws.com:443")
/// AWSIoTCustomAuthorizer(name: "my-authorizer", tokenKeyName: "token", tokenValue: token,
///                        tokenSignature: signature).apply(to: &configuration)
/// ```
public struct AWSIoTCustomAuthorizer: Hashable, Sendable {
    /// The authorizer's name (`x-amz-customauthorizer-name`); `nil` uses the account's default authorizer.
    public var name: String?
    /// The user name passed to the authorizer, if any.
    public var username: String?
    /// The password passed to the authorizer, if any. Never logged.
    public var password: String?
    /// The name of the token parameter, as configured on the authorizer.
    public var tokenKeyName: String?
    /// The token. Never logged.
    public var tokenValue: String?
    /// The token's signature (base64), for an authorizer with signing enabled.
    public var tokenSignature: String?

    /// Creates custom-authorizer settings.
    ///
    /// - Parameters:
    ///   - name: The authorizer name.
    ///   - username: The user name for the authorizer.
    ///   - password: The password for the authorizer.
    ///   - tokenKeyName: The token parameter name.
    ///   - tokenValue: The token.
    ///   - tokenSignature: The token's signature.
    public init(
        name: String? = nil, username: String? = nil, password: String? = nil, tokenKeyName: String? = nil,
        tokenValue: String? = nil, tokenSignature: String? = nil
    ) {
        self.name = name
        self.username = username
        self.password = password
        self.tokenKeyName = tokenKeyName
        self.tokenValue = tokenValue
        self.tokenSignature = tokenSignature
    }

    /// The custom-authorizer parameters, in the order AWS documents them.
    var parameters: [AWSSigV4Signer.Pair] {
        var parameters: [AWSSigV4Signer.Pair] = []
        if let name { parameters.append(.init(name: "x-amz-customauthorizer-name", value: name)) }
        if let tokenKeyName, let tokenValue { parameters.append(.init(name: tokenKeyName, value: tokenValue)) }
        if let tokenSignature {
            parameters.append(.init(name: "x-amz-customauthorizer-signature", value: tokenSignature))
        }
        return parameters
    }

    /// The MQTT user name: the user's, followed by the parameters as a query string.
    public var mqttUsername: String {
        let query = parameters.map { "\($0.name)=\(AWSSigV4Signer.percentEncode($0.value))" }
            .joined(separator: "&")
        return (username ?? "") + (query.isEmpty ? "" : "?" + query)
    }

    /// The WebSocket upgrade headers carrying the parameters.
    public var webSocketHeaders: [(name: String, value: String)] {
        parameters.map { (name: $0.name, value: $0.value) }
    }

    /// Applies the settings to `configuration`: for WebSocket endpoints the upgrade headers (and
    /// the user name and password in CONNECT), otherwise the user name with the parameters, the
    /// password, and ALPN `mqtt` when the port is 443.
    ///
    /// - Parameter configuration: The client configuration to change.
    public func apply(to configuration: inout MQTTClient.Configuration) {
        if configuration.endpoint.transport.isWebSocket {
            configuration.webSocket.headers.append(contentsOf: webSocketHeaders)
            configuration.username = username
        } else {
            configuration.username = mqttUsername
            if configuration.endpoint.port == 443 {
                var tls = configuration.tls ?? MQTTTLSConfiguration()
                if !tls.alpnProtocols.contains("mqtt") { tls.alpnProtocols.append("mqtt") }
                configuration.tls = tls
            }
        }
        configuration.setPassword(password)
    }
}
