// ProvisioningExample: AWS IoT fleet provisioning by claim, over MQTT 5.
//
//     swift run ProvisioningExample                # embedded broker + in-memory provisioning service
//     swift run ProvisioningExample --url mqtts://<endpoint>:8883 --cafile AmazonRootCA1.pem \
//         --cert claim.pem.crt --key claim.private.key --template my-fleet-template --serial 1234
//
// A device connected with a claim certificate gets its own certificate (CreateKeysAndCertificate,
// or CreateCertificateFromCsr with --csr) and registers itself as a thing (RegisterThing). These
// operations carry no correlation token: the request-response layer runs them one at a time.
import ArgumentParser
import ExampleServices
import ExampleSupport
import Foundation
import IoTIdentity
import MQTT5
import MQTTServiceRuntime
import RequestResponse

@main
struct ProvisioningExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ProvisioningExample",
        abstract: "Get a device certificate and register a thing with a provisioning template.",
        discussion: """
            Without --url the example starts an embedded MQTT broker and an in-memory provisioning service in \
            this process (its certificates are placeholders, not real X.509), so it needs nothing installed. With \
            --url it talks to that broker; on AWS IoT connect with the claim certificate. The new private key is \
            printed only by length: this example shows the flow and saves nothing.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The provisioning template to register with.")
    var template = "example-fleet-template"

    @Option(help: "The SerialNumber template parameter (default: a random one).")
    var serial: String?

    @Option(
        help: "A PEM certificate signing request: use CreateCertificateFromCsr instead of CreateKeysAndCertificate.")
    var csr: String?

    func run() async throws {
        try await runExample("ProvisioningExample", deadline: connection.runDeadline) { narrator in
            try await run(narrator: narrator)
        }
    }

    /// The whole example: picks the broker, plays the service when there is no cloud, then the device.
    func run(narrator: Narrator) async throws {
        try await withExampleBroker(connection, narrator: narrator) { broker in
            guard broker.isEmbedded else {
                return try await runDevice(on: broker, narrator: narrator)
            }
            // No AWS here: this process also plays the provisioning service, on a connection of its own.
            try await withInProcessService(on: broker, clientID: "provisioning-service", narrator: narrator) {
                _, responder in
                let service = InMemoryIdentityService(templateName: template)
                let registrations = try await service.register(on: responder)
                narrator.note(
                    "service",
                    "in-memory provisioning service answering \(registrations.count) operations (template '\(template)')"
                )
                return service
            } _: { _ in
                try await runDevice(on: broker, narrator: narrator)
            }
        }
    }

    /// Connects the device and gives the walkthrough an identity client.
    func runDevice(on broker: ExampleBroker, narrator: Narrator) async throws {
        let clientID = connection.clientID ?? "provisioning-example-\(randomSuffix())"
        try await withConnectedClient(to: broker, clientID: clientID, role: "device", narrator: narrator) { mqtt in
            let options = RequestResponseClient.Options(
                maxRequestResponseSubscriptions: 4, maxStreamingSubscriptions: 0, operationTimeout: .seconds(5))
            try await withRequestResponseClient(mqtt, options: options) { requestResponse in
                try await walkthrough(IoTIdentity.Client(requestResponse), narrator: narrator)
            }
        }
    }

    /// What a device does to provision itself.
    func walkthrough(_ identity: IoTIdentity.Client, narrator: Narrator) async throws {
        let ownershipToken: String
        if let csr {
            narrator.step("Create a certificate from the signing request in \(csr)")
            let request: String
            do {
                request = try String(contentsOfFile: csr, encoding: .utf8)
            } catch {
                throw ExampleError("cannot read --csr \(csr): \(error)")
            }
            let certificate = try await identity.createCertificateFromCsr(certificateSigningRequest: request)
            narrator.result(
                "certificate \(certificate.certificateId.prefix(12))… (\(certificate.certificatePem.utf8.count) bytes of PEM)"
            )
            ownershipToken = certificate.certificateOwnershipToken
        } else {
            narrator.step("Create keys and a certificate")
            let keys = try await identity.createKeysAndCertificate()
            narrator.result(
                "certificate \(keys.certificateId.prefix(12))… (\(keys.certificatePem.utf8.count) bytes of PEM), private key of \(keys.privateKey.utf8.count) bytes"
            )
            ownershipToken = keys.certificateOwnershipToken
        }
        narrator.result("ownership token \(ownershipToken.prefix(8))…: proves the certificate to RegisterThing")

        let serialNumber = serial ?? String(UInt32.random(in: 1000...9999))
        narrator.step("Register a thing with template '\(template)' (SerialNumber \(serialNumber))")
        let thing = try await identity.registerThing(
            templateName: template, certificateOwnershipToken: ownershipToken,
            parameters: ["SerialNumber": serialNumber])
        let configuration = thing.deviceConfiguration.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: ", ")
        narrator.result(
            "registered '\(thing.thingName)'; device configuration: \(configuration.isEmpty ? "none" : configuration)")

        narrator.step("Register again with the used ownership token")
        do throws(ServiceError<IoTIdentity.ErrorResponse>) {
            let again = try await identity.registerThing(
                templateName: template, certificateOwnershipToken: ownershipToken,
                parameters: ["SerialNumber": serialNumber])
            narrator.result("accepted again as '\(again.thingName)': this service lets a token register twice")
        } catch .rejected(let error) {
            narrator.result("rejected with \(error.statusCode) \(error.errorCode): \(error.errorMessage)")
        } catch {
            throw error
        }
    }
}
