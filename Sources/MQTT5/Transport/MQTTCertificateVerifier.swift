/// A check of the broker's certificate chain that replaces swift-nio-ssl's verification (see
/// ``MQTTTLSConfiguration/certificateVerifier``): certificate pinning or an own trust policy.
///
/// The closure gets the chain as the broker presented it, leaf first, each certificate in DER,
/// and runs off the event loop. Returning `false` (or throwing) fails the TLS handshake.
///
/// ```swift
/// tls.certificateVerifier = .pinnedLeafSHA256(["3f2a...e9"])   // hex SHA-256 of the leaf's DER
/// ```
public struct MQTTCertificateVerifier: Hashable, Sendable {
    /// Decides whether to accept a chain (DER, leaf first).
    public typealias Verify = @Sendable (_ chain: [[UInt8]]) async throws -> Bool

    /// The closure, with an identity for `Hashable` (two verifiers are equal when made by the
    /// same call).
    private final class Box: Sendable {
        let verify: Verify
        let name: String
        init(_ verify: @escaping Verify, name: String) {
            self.verify = verify
            self.name = name
        }
    }
    private let box: Box

    /// Creates a verifier from a closure.
    ///
    /// - Parameters:
    ///   - name: A name for logs and error messages.
    ///   - verify: Returns whether the chain is acceptable.
    public init(name: String = "custom verifier", _ verify: @escaping Verify) {
        self.box = Box(verify, name: name)
    }

    /// Accepts only a leaf certificate whose SHA-256 (of its DER encoding) is one of `pins`
    /// (hexadecimal, case and colons ignored), as printed by
    /// `openssl x509 -in cert.pem -outform der | openssl dgst -sha256`.
    ///
    /// - Parameter pins: The accepted fingerprints.
    public static func pinnedLeafSHA256(_ pins: Set<String>) -> MQTTCertificateVerifier {
        let normalized = Set(pins.map { $0.lowercased().filter { $0 != ":" && $0 != " " } })
        return MQTTCertificateVerifier(name: "SHA-256 leaf pin") { chain in
            guard let leaf = chain.first else { return false }
            return normalized.contains(MQTTSHA256.hexDigest(leaf))
        }
    }

    /// Runs the check.
    ///
    /// - Parameter chain: The chain, DER, leaf first.
    /// - Returns: Whether the chain is accepted.
    public func verify(_ chain: [[UInt8]]) async throws -> Bool {
        try await box.verify(chain)
    }

    /// The verifier's name.
    public var name: String { box.name }

    /// Whether both are the same verifier.
    public static func == (lhs: MQTTCertificateVerifier, rhs: MQTTCertificateVerifier) -> Bool {
        lhs.box === rhs.box
    }

    /// Hashes the verifier's identity.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(box))
    }
}
