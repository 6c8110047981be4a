public import IoTIdentity
import Foundation
import Synchronization

/// AWS IoT fleet provisioning in memory, written against the generated
/// `IoTIdentity.ServiceProtocol`.
///
/// It issues certificates and ownership tokens and registers things from one provisioning
/// template. The certificates are PEM-shaped placeholders, not real X.509 certificates: the
/// example shows the message flow, not cryptography. Its rules:
/// - each ownership token registers one thing, once; an unknown or used token is rejected with
///   400 `InvalidCertificateOwnershipToken`;
/// - `CreateCertificateFromCsr` needs a PEM certificate signing request (400 `InvalidCsr`);
/// - `RegisterThing` needs the template's name (404 `ResourceNotFound`) and a `SerialNumber`
///   parameter (400 `InvalidParameters`); the thing is named `<thingNamePrefix><SerialNumber>`.
public final class InMemoryIdentityService: IoTIdentity.ServiceProtocol, Sendable {
    private struct State {
        /// Ownership tokens not used yet, with the certificate they prove.
        var unusedTokens: [String: String] = [:]
        /// The things registered, by name, with their certificate.
        var things: [String: String] = [:]
    }

    /// The provisioning template this service knows.
    public let templateName: String
    /// The prefix of registered thing names.
    public let thingNamePrefix: String
    /// The configuration returned to every registered device.
    public let deviceConfiguration: [String: String]
    private let state = Mutex(State())

    /// Creates a service serving one template.
    ///
    /// - Parameters:
    ///   - templateName: The provisioning template's name.
    ///   - thingNamePrefix: The prefix of registered thing names.
    ///   - deviceConfiguration: The configuration returned to registered devices.
    public init(
        templateName: String = "example-fleet-template", thingNamePrefix: String = "sensor-",
        deviceConfiguration: [String: String] = [
            "telemetryTopic": "sensors/telemetry", "reportingIntervalSeconds": "60",
        ]
    ) {
        self.templateName = templateName
        self.thingNamePrefix = thingNamePrefix
        self.deviceConfiguration = deviceConfiguration
    }

    /// The certificate of a registered thing, or `nil`.
    ///
    /// - Parameter thingName: The thing's name.
    /// - Returns: The certificate identifier it was registered with.
    public func certificateID(ofThing thingName: String) -> String? {
        state.withLock { $0.things[thingName] }
    }

    // MARK: Operations of the generated protocol

    /// Issues a key pair and a certificate, and an ownership token for `RegisterThing`.
    public func createKeysAndCertificate(
        _ request: IoTIdentity.CreateKeysAndCertificateRequest
    ) async throws(IoTIdentity.ErrorResponse) -> IoTIdentity.CreateKeysAndCertificateResponse {
        let certificate = issueCertificate()
        return IoTIdentity.CreateKeysAndCertificateResponse(
            certificateId: certificate.id, certificatePem: certificate.pem,
            privateKey: Self.pem("RSA PRIVATE KEY", "in-memory private key of \(certificate.id)"),
            certificateOwnershipToken: certificate.token)
    }

    /// Issues a certificate for the key in a certificate signing request, and an ownership token.
    public func createCertificateFromCsr(
        _ request: IoTIdentity.CreateCertificateFromCsrRequest
    ) async throws(IoTIdentity.ErrorResponse) -> IoTIdentity.CreateCertificateFromCsrResponse {
        guard request.certificateSigningRequest.contains("-----BEGIN CERTIFICATE REQUEST-----") else {
            throw IoTIdentity.ErrorResponse(
                statusCode: 400, errorCode: "InvalidCsr", errorMessage: "The certificate signing request is not PEM")
        }
        let certificate = issueCertificate()
        return IoTIdentity.CreateCertificateFromCsrResponse(
            certificateId: certificate.id, certificatePem: certificate.pem, certificateOwnershipToken: certificate.token
        )
    }

    /// Registers a thing for the certificate an ownership token proves.
    public func registerThing(
        _ request: IoTIdentity.RegisterThingRequest
    ) async throws(IoTIdentity.ErrorResponse) -> IoTIdentity.RegisterThingResponse {
        guard request.templateName == templateName else {
            throw IoTIdentity.ErrorResponse(
                statusCode: 404, errorCode: "ResourceNotFound",
                errorMessage: "No provisioning template \(request.templateName)")
        }
        guard let serial = request.parameters?["SerialNumber"], !serial.isEmpty else {
            throw IoTIdentity.ErrorResponse(
                statusCode: 400, errorCode: "InvalidParameters",
                errorMessage: "The template needs the parameter SerialNumber")
        }
        let thingName = thingNamePrefix + serial
        let registered: Bool = state.withLock { state in
            guard let certificateID = state.unusedTokens.removeValue(forKey: request.certificateOwnershipToken) else {
                return false
            }
            state.things[thingName] = certificateID
            return true
        }
        guard registered else {
            throw IoTIdentity.ErrorResponse(
                statusCode: 400, errorCode: "InvalidCertificateOwnershipToken",
                errorMessage: "The certificate ownership token is unknown or was used")
        }
        return IoTIdentity.RegisterThingResponse(thingName: thingName, deviceConfiguration: deviceConfiguration)
    }

    // MARK: Implementation

    private func issueCertificate() -> (id: String, pem: String, token: String) {
        let id = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: 0...UInt64.max)) }.joined()
        let token = UUID().uuidString
        state.withLock { $0.unusedTokens[token] = id }
        return (id, Self.pem("CERTIFICATE", "in-memory certificate \(id)"), token)
    }

    /// A PEM block around `text` (a placeholder, not real DER).
    private static func pem(_ label: String, _ text: String) -> String {
        "-----BEGIN \(label)-----\n\(Data(text.utf8).base64EncodedString(options: .lineLength64Characters))\n-----END \(label)-----\n"
    }
}
