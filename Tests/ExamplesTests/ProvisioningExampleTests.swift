import ExampleSupport
import Foundation
@testable import ProvisioningExample
import Testing
import ArgumentParser

/// `swift run ProvisioningExample`, run in process, with both ways of getting a certificate.
@Suite struct ProvisioningExampleTests {
    @Test(.timeLimit(.minutes(1)))
    func createsKeysAndRegistersAThing() async throws {
        let recorder = LineRecorder()
        try await ProvisioningExample.parse(["--serial", "42"]).run(narrator: recorder.narrator)

        let transcript = recorder.transcript
        #expect(recorder.contains("Create keys and a certificate"), "\(transcript)")
        #expect(
            recorder.contains("registered 'sensor-42'; device configuration: reportingIntervalSeconds=60"),
            "\(transcript)")
        #expect(recorder.contains("rejected with 400 InvalidCertificateOwnershipToken"), "\(transcript)")
        #expect(recorder.narrator.steps == 3, "\(transcript)")
    }

    @Test(.timeLimit(.minutes(1)))
    func certificateFromASigningRequest() async throws {
        let csr = FileManager.default.temporaryDirectory.appending(
            path: "provisioning-example-\(UUID().uuidString).csr")
        try "-----BEGIN CERTIFICATE REQUEST-----\nTUlJ\n-----END CERTIFICATE REQUEST-----\n".write(
            to: csr, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: csr) }

        let recorder = LineRecorder()
        try await ProvisioningExample.parse(["--csr", csr.path, "--serial", "7"]).run(narrator: recorder.narrator)
        #expect(recorder.contains("Create a certificate from the signing request"), "\(recorder.transcript)")
        #expect(recorder.contains("registered 'sensor-7'"), "\(recorder.transcript)")
    }
}
