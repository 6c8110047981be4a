/// TLS settings for `mqtts://` and `wss://` endpoints, applied through swift-nio-ssl.
///
/// ```swift
/// var tls = MQTTTLSConfiguration()
/// tls.trustRoots = .file("AmazonRootCA1.pem")
/// tls.certificateChain = .file("device.pem.crt")
/// tls.privateKey = .file("private.pem.key")
/// tls.alpnProtocols = ["x-amzn-mqtt-ca"]   // AWS IoT on port 443
/// ```
public struct MQTTTLSConfiguration: Hashable, Sendable {
    /// PEM data, from a file or in memory.
    public struct PEMSource: Hashable, Sendable {
        enum Kind: Hashable, Sendable {
            case file(String)
            case bytes([UInt8])
        }
        let kind: Kind

        /// PEM read from the file at `path` when the client first connects.
        ///
        /// - Parameter path: The file path.
        public static func file(_ path: String) -> PEMSource { PEMSource(kind: .file(path)) }
        /// PEM held in memory.
        ///
        /// - Parameter pem: The PEM text.
        public static func pem(_ pem: String) -> PEMSource { PEMSource(kind: .bytes(Array(pem.utf8))) }
    }

    /// Which certificate authorities the client trusts.
    public struct TrustRoots: Hashable, Sendable {
        enum Kind: Hashable, Sendable {
            case system
            case pem(PEMSource)
        }
        let kind: Kind

        /// The operating system's trust store (the default).
        public static let system = TrustRoots(kind: .system)
        /// The certificates of a PEM file (a CA bundle).
        ///
        /// - Parameter path: The file path.
        public static func file(_ path: String) -> TrustRoots { TrustRoots(kind: .pem(.file(path))) }
        /// Certificates held in memory as PEM.
        ///
        /// - Parameter pem: The PEM text.
        public static func pem(_ pem: String) -> TrustRoots { TrustRoots(kind: .pem(.pem(pem))) }
    }

    /// The certificate authorities to trust.
    public var trustRoots: TrustRoots
    /// The client certificate (chain) for mutual TLS, PEM.
    public var certificateChain: PEMSource?
    /// The private key of ``certificateChain``, PEM.
    public var privateKey: PEMSource?
    /// Whether the server certificate must name the host (on by default). Chain verification stays on.
    public var verifyServerName: Bool
    /// Whether to verify the server certificate at all. Turning this off is for tests only.
    public var verifyCertificate: Bool
    /// The name sent in SNI and checked against the certificate; `nil` uses the endpoint host
    /// (no SNI for an IP address).
    public var serverName: String?
    /// ALPN protocols to offer, e.g. `["x-amzn-mqtt-ca"]` for AWS IoT Core on port 443.
    public var alpnProtocols: [String]

    /// Creates TLS settings: system trust, no client certificate, full verification, no ALPN.
    ///
    /// - Parameters:
    ///   - trustRoots: The certificate authorities to trust.
    ///   - certificateChain: The client certificate for mutual TLS.
    ///   - privateKey: The client certificate's private key.
    ///   - verifyServerName: Whether the certificate must name the server.
    ///   - serverName: The SNI and verification name override.
    ///   - alpnProtocols: ALPN protocols to offer.
    public init(
        trustRoots: TrustRoots = .system,
        certificateChain: PEMSource? = nil,
        privateKey: PEMSource? = nil,
        verifyServerName: Bool = true,
        serverName: String? = nil,
        alpnProtocols: [String] = []
    ) {
        self.trustRoots = trustRoots
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.verifyServerName = verifyServerName
        self.verifyCertificate = true
        self.serverName = serverName
        self.alpnProtocols = alpnProtocols
    }
}
