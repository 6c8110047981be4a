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

    /// A client identity in a PKCS#12 (`.p12`/`.pfx`) file or in memory: certificate chain and
    /// private key together, as an alternative to ``certificateChain`` and ``privateKey``.
    public struct PKCS12Bundle: Hashable, Sendable {
        enum Source: Hashable, Sendable {
            case file(String)
            case bytes([UInt8])
        }
        let source: Source
        let passphrase: String?

        /// The bundle in the file at `path`, read when the client starts.
        ///
        /// - Parameters:
        ///   - path: The file path.
        ///   - passphrase: The bundle's passphrase, if any. Never logged.
        public static func file(_ path: String, passphrase: String? = nil) -> PKCS12Bundle {
            PKCS12Bundle(source: .file(path), passphrase: passphrase)
        }
        /// A bundle held in memory (DER bytes).
        ///
        /// - Parameters:
        ///   - bytes: The PKCS#12 bytes.
        ///   - passphrase: The bundle's passphrase, if any. Never logged.
        public static func bytes(_ bytes: [UInt8], passphrase: String? = nil) -> PKCS12Bundle {
            PKCS12Bundle(source: .bytes(bytes), passphrase: passphrase)
        }
    }

    /// A TLS protocol version.
    public struct TLSVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
        let rank: Int

        /// TLS 1.2.
        public static let v1_2 = TLSVersion(rank: 2)
        /// TLS 1.3.
        public static let v1_3 = TLSVersion(rank: 3)

        /// Orders versions from old to new.
        public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool { lhs.rank < rhs.rank }

        /// `"TLS 1.2"` or `"TLS 1.3"`.
        public var description: String { "TLS 1.\(rank)" }
    }

    /// A TLS 1.2 cipher suite (TLS 1.3 suites are always enabled and not configurable).
    public struct CipherSuite: Hashable, Sendable, CustomStringConvertible {
        /// The IANA code point.
        public let rawValue: UInt16
        /// The IANA name, e.g. `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`.
        public let description: String

        private init(_ rawValue: UInt16, _ name: String) {
            self.rawValue = rawValue
            self.description = name
        }

        /// `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`.
        public static let ecdheECDSAWithAES128GCMSHA256 = CipherSuite(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        /// `TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384`.
        public static let ecdheECDSAWithAES256GCMSHA384 = CipherSuite(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
        /// `TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256`.
        public static let ecdheECDSAWithChaCha20Poly1305SHA256 = CipherSuite(
            0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
        /// `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
        public static let ecdheRSAWithAES128GCMSHA256 = CipherSuite(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        /// `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`.
        public static let ecdheRSAWithAES256GCMSHA384 = CipherSuite(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        /// `TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256`.
        public static let ecdheRSAWithChaCha20Poly1305SHA256 = CipherSuite(
            0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")
        /// `TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA` (legacy).
        public static let ecdheECDSAWithAES128CBCSHA = CipherSuite(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")
        /// `TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA` (legacy).
        public static let ecdheECDSAWithAES256CBCSHA = CipherSuite(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA")
        /// `TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA` (legacy).
        public static let ecdheRSAWithAES128CBCSHA = CipherSuite(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")
        /// `TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA` (legacy).
        public static let ecdheRSAWithAES256CBCSHA = CipherSuite(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")
        /// `TLS_RSA_WITH_AES_128_GCM_SHA256` (no forward secrecy).
        public static let rsaWithAES128GCMSHA256 = CipherSuite(0x9C, "TLS_RSA_WITH_AES_128_GCM_SHA256")
        /// `TLS_RSA_WITH_AES_256_GCM_SHA384` (no forward secrecy).
        public static let rsaWithAES256GCMSHA384 = CipherSuite(0x9D, "TLS_RSA_WITH_AES_256_GCM_SHA384")
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
    /// The client identity as a PKCS#12 bundle (instead of ``certificateChain`` and ``privateKey``).
    public var pkcs12Identity: PKCS12Bundle?
    /// The oldest TLS version accepted; `nil` is swift-nio-ssl's default (TLS 1.0).
    public var minimumTLSVersion: TLSVersion?
    /// The newest TLS version offered; `nil` is the newest supported (TLS 1.3).
    public var maximumTLSVersion: TLSVersion?
    /// The TLS 1.2 cipher suites to offer, in order of preference; `nil` keeps swift-nio-ssl's
    /// list. TLS 1.3 suites are not configurable (BoringSSL enables its three).
    public var cipherSuites: [CipherSuite]?
    /// Replaces certificate verification (chain and name) with a check of the broker's chain,
    /// e.g. certificate pinning with ``MQTTCertificateVerifier/pinnedLeafSHA256(_:)``. A rejection
    /// fails the attempt with ``MQTTError/Code/certificateRejected`` and stops the client.
    public var certificateVerifier: MQTTCertificateVerifier?

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
