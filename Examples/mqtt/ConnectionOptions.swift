import ArgumentParser
import MQTT5

/// Options shared by `pub` and `sub`: where and how to connect.
struct ConnectionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Broker URL: mqtt://host[:1883], mqtts://host[:8883], ws://, wss://host[/path] or unix:/path.",
            discussion: "Repeat for failover: the client tries the next URL when one cannot be reached."))
    var url: [String] = []

    @Option(
        name: [.customShort("i"), .customLong("client-id")],
        help: "Client identifier (default: assigned by the broker).")
    var clientIdentifier = ""

    @Option(name: [.customShort("u"), .long], help: "User name.")
    var username: String?

    @Option(name: [.customShort("P"), .long], help: "Password.")
    var password: String?

    @Option(name: .customLong("protocol"), help: "MQTT version: 3.1, 3.1.1 or 5.")
    var protocolVersion: String?

    @Flag(name: .customLong("v311"), help: "Speak MQTT 3.1.1 (the same as --protocol 3.1.1).")
    var version311 = false

    @Option(help: "HTTP proxy to tunnel through: http://[user:password@]host[:port] (or https://).")
    var proxy: String?

    @Option(name: .customLong("keep-alive"), help: "Keep-alive interval in seconds.")
    var keepAlive = 60

    @Option(help: "Seconds to wait for the connection and for each acknowledgement.")
    var timeout = 10

    @Option(help: "PEM file of the certificate authorities to trust (default: the system's).")
    var cafile: String?

    @Option(help: "PEM client certificate for mutual TLS.")
    var cert: String?

    @Option(help: "PEM private key of --cert.")
    var key: String?

    @Option(help: "ALPN protocol to offer (repeatable), e.g. x-amzn-mqtt-ca for AWS IoT on port 443.")
    var alpn: [String] = []

    @Flag(help: "Do not check that the server certificate names the host (the chain is still verified).")
    var insecure = false

    func validate() throws {
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if !(0...65_535).contains(keepAlive) { throw ValidationError("--keep-alive must be 0...65535") }
        _ = try version()
    }

    /// The URLs to connect to, in order (`mqtt://localhost:1883` when none is given).
    var urls: [String] { url.isEmpty ? ["mqtt://localhost:1883"] : url }

    /// The protocol version of `--protocol` or `--v311` (MQTT 5 by default).
    func version() throws -> MQTTProtocolVersion {
        switch (protocolVersion, version311) {
        case (nil, false): return .v5_0
        case (nil, true): return .v3_1_1
        case (let text?, let v311):
            let version: MQTTProtocolVersion
            switch text {
            case "3.1": version = .v3_1
            case "3.1.1", "311": version = .v3_1_1
            case "5", "5.0": version = .v5_0
            default: throw ValidationError("--protocol must be 3.1, 3.1.1 or 5")
            }
            if v311 && version != .v3_1_1 { throw ValidationError("--v311 contradicts --protocol \(text)") }
            return version
        }
    }

    /// The client configuration these options describe.
    func makeConfiguration() throws -> MQTTClient.Configuration {
        var configuration = try MQTTClient.Configuration(url: urls[0], clientIdentifier: clientIdentifier)
        configuration.failoverEndpoints = try urls.dropFirst().map { try MQTTEndpoint(url: $0) }
        configuration.protocolVersion = try version()
        if let proxy { configuration.proxy = try MQTTHTTPProxy(url: proxy) }
        configuration.username = username
        configuration.setPassword(password)
        configuration.keepAlive = .seconds(keepAlive)
        configuration.connectTimeout = .seconds(timeout)
        configuration.connAckTimeout = .seconds(timeout)
        configuration.ackTimeout = .seconds(timeout)
        if cafile != nil || cert != nil || !alpn.isEmpty || insecure {
            var tls = MQTTTLSConfiguration()
            if let cafile { tls.trustRoots = .file(cafile) }
            if let cert, let key {
                tls.certificateChain = .file(cert)
                tls.privateKey = .file(key)
            }
            tls.alpnProtocols = alpn
            tls.verifyServerName = !insecure
            configuration.tls = tls
        }
        return configuration
    }
}
