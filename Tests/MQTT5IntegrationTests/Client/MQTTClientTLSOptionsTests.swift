import Foundation
@testable import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import NIOSSL
import Testing

/// The TLS knobs against mosquitto TLS listeners with test-time certificates.
@Suite(
    "TLS options against mosquitto", .serialized, .timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientTLSOptionsTests {
    typealias Certificates = MQTTClientTransportTests.Certificates

    /// A broker with a TLS listener (`extra` lines added to it); returns the broker and the TLS port.
    static func tlsBroker(_ certificates: Certificates, _ extra: String = "") async throws -> (MosquittoBroker, Int) {
        let tlsPort = try MosquittoBroker.freePort()
        var configuration = MosquittoBroker.Configuration()
        configuration.extraConfiguration = """
            listener \(tlsPort) 127.0.0.1
            cafile \(certificates.ca)
            certfile \(certificates.serverCertificate)
            keyfile \(certificates.serverKey)
            \(extra)
            """
        return (try await MosquittoBroker.start(configuration), tlsPort)
    }

    static func configuration(_ certificates: Certificates, port: Int, id: String) throws -> MQTTClient.Configuration {
        var configuration = try MQTTClient.Configuration.test(url: "mqtts://127.0.0.1:\(port)", clientIdentifier: id)
        configuration.tls = MQTTTLSConfiguration(trustRoots: .file(certificates.ca), serverName: "localhost")
        return configuration
    }

    /// The hexadecimal SHA-256 of a PEM certificate's DER form, as openssl computes it.
    static func opensslPin(_ certificate: String) async throws -> String {
        let directory = try makeTemporaryDirectory("pin")
        try await runTool(
            "/usr/bin/openssl", ["x509", "-in", certificate, "-outform", "der", "-out", "\(directory)/leaf.der"],
            in: directory)
        try await runTool(
            "/usr/bin/openssl", ["dgst", "-sha256", "-out", "\(directory)/digest", "\(directory)/leaf.der"],
            in: directory)
        let line = try String(contentsOfFile: "\(directory)/digest", encoding: .utf8)
        return String(line.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Expects the first attempt of `configuration` to fail the TLS handshake (retried, not stopped).
    static func expectHandshakeFailure(_ configuration: MQTTClient.Configuration) async throws -> MQTTError {
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let (_, error) = try await events.connectionFailure()
        await client.stop()
        #expect(error.code == .transportFailure, "\(error)")
        return error
    }

    @Test("The TLS version range: a client capped at 1.2 fails against mosquitto's TLS 1.3 minimum, 1.3 connects")
    func versionRangeAgainstMosquitto() async throws {
        let certificates = try await Certificates.generate()
        // mosquitto 2's `tls_version` is the listener's minimum version.
        let (broker, port) = try await Self.tlsBroker(certificates, "tls_version tlsv1.3")
        defer { broker.stop() }
        var tls13 = try Self.configuration(certificates, port: port, id: "tls13")
        tls13.tls?.minimumTLSVersion = .v1_3
        try await withMQTTClient(configuration: tls13, connectTimeout: .seconds(5)) { client in
            #expect(client.isConnected)
        }
        var tls12 = try Self.configuration(certificates, port: port, id: "tls12")
        tls12.tls?.maximumTLSVersion = .v1_2
        let error = try await Self.expectHandshakeFailure(tls12)
        #expect("\(error)".contains("PROTOCOL_VERSION"), "\(error)")
    }

    @Test("Minimum TLS 1.3 against a TLS server limited to 1.2 fails; without the minimum it connects")
    func minimumVersionAgainstTLS12Server() async throws {
        let certificates = try await Certificates.generate()
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        // A TLS 1.2-only front (swift-nio-ssl server) relaying to mosquitto's TCP listener.
        let front = try await TLSFront.start(
            certificate: certificates.serverCertificate, key: certificates.serverKey, maximumVersion: .tlsv12,
            upstreamPort: broker.port)
        defer { front.close() }
        let open = try Self.configuration(certificates, port: front.port, id: "open")
        try await withMQTTClient(configuration: open, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "tls12-front")
        }
        var strict = open
        strict.tls?.minimumTLSVersion = .v1_3
        let error = try await Self.expectHandshakeFailure(strict)
        #expect("\(error)".contains("PROTOCOL_VERSION"), "\(error)")
    }

    @Test("A contradictory version range and an empty cipher list are invalidConfiguration")
    func badKnobs() async throws {
        var inverted = try MQTTClient.Configuration.test(url: "mqtts://127.0.0.1:1", clientIdentifier: "x")
        inverted.tls = MQTTTLSConfiguration()
        inverted.tls?.minimumTLSVersion = .v1_3
        inverted.tls?.maximumTLSVersion = .v1_2
        var ciphers = inverted
        ciphers.tls?.maximumTLSVersion = nil
        ciphers.tls?.cipherSuites = []
        for configuration in [inverted, ciphers] {
            let client = MQTTClient(configuration: configuration)
            let events = EventRecorder(client)
            client.start()
            #expect(try await events.stopped()?.code == .invalidConfiguration)
        }
    }

    @Test("A TLS 1.2 cipher suite list is offered: a matching suite connects, a disjoint one fails")
    func cipherSuites() async throws {
        let certificates = try await Certificates.generate()
        let (broker, port) = try await Self.tlsBroker(
            certificates, "tls_version tlsv1.2\nciphers ECDHE-ECDSA-AES256-GCM-SHA384")
        defer { broker.stop() }
        var matching = try Self.configuration(certificates, port: port, id: "cipher-ok")
        matching.tls?.maximumTLSVersion = .v1_2
        matching.tls?.cipherSuites = [.ecdheECDSAWithAES256GCMSHA384]
        try await withMQTTClient(configuration: matching, connectTimeout: .seconds(5)) { client in
            #expect(client.isConnected)
        }
        var disjoint = matching
        disjoint.tls?.cipherSuites = [.ecdheECDSAWithAES128GCMSHA256, .ecdheECDSAWithChaCha20Poly1305SHA256]
        try await MQTTClientTransportTests.expectTransportFailure(disjoint)
    }

    @Test("Pinning: the leaf's SHA-256 connects, a wrong pin stops the client with certificateRejected")
    func pinning() async throws {
        let certificates = try await Certificates.generate()
        let (broker, port) = try await Self.tlsBroker(certificates)
        defer { broker.stop() }
        let pin = try await Self.opensslPin(certificates.serverCertificate)
        #expect(pin.count == 64)
        var pinned = try Self.configuration(certificates, port: port, id: "pinned")
        pinned.tls?.certificateVerifier = .pinnedLeafSHA256([pin.uppercased()])
        try await withMQTTClient(configuration: pinned, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "pinned")
        }
        var wrong = pinned
        wrong.tls?.certificateVerifier = .pinnedLeafSHA256([String(repeating: "ab", count: 32)])
        let client = MQTTClient(configuration: wrong)
        let events = EventRecorder(client)
        client.start()
        let (_, error) = try await events.connectionFailure()
        #expect(error.code == .certificateRejected, "\(error)")
        #expect(error.message.contains("SHA-256 leaf pin rejected"), "\(error)")
        #expect(try await events.stopped()?.code == .certificateRejected)
        await client.stop()
    }

    @Test("A custom verifier sees the DER chain off the event loop; the pin replaces CA trust")
    func customVerifier() async throws {
        let certificates = try await Certificates.generate()
        let (broker, port) = try await Self.tlsBroker(certificates)
        defer { broker.stop() }
        let pin = try await Self.opensslPin(certificates.serverCertificate)
        let chains = TestQueue<[[UInt8]]>()
        var configuration = try Self.configuration(certificates, port: port, id: "verifier")
        configuration.tls?.trustRoots = .file(certificates.otherCA)  // would fail normal verification
        configuration.tls?.certificateVerifier = MQTTCertificateVerifier(name: "test") { chain in
            chains.push(chain)
            try await Task.sleep(for: .milliseconds(5))
            return MQTTSHA256.hexDigest(chain.first ?? []) == pin
        }
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            #expect(client.isConnected)
        }
        let chain = try await chains.next(timeout: .seconds(1), "chain")
        #expect(chain.first?.first == 0x30)  // a DER SEQUENCE
    }

    @Test("A PKCS#12 identity (openssl pkcs12 -export) authenticates to a listener that requires client certificates")
    func pkcs12Identity() async throws {
        let certificates = try await Certificates.generate()
        let (broker, port) = try await Self.tlsBroker(certificates, "require_certificate true")
        defer { broker.stop() }
        try await runTool(
            "/usr/bin/openssl",
            [
                "pkcs12", "-export", "-in", certificates.clientCertificate, "-inkey", certificates.clientKey,
                "-out", "client.p12", "-passout", "pass:p12-secret",
            ], in: certificates.directory)
        var configuration = try Self.configuration(certificates, port: port, id: "p12")
        configuration.tls?.pkcs12Identity = .file("\(certificates.directory)/client.p12", passphrase: "p12-secret")
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "p12")
        }
        var wrongPassphrase = configuration
        wrongPassphrase.tls?.pkcs12Identity = .file("\(certificates.directory)/client.p12", passphrase: "nope")
        let client = MQTTClient(configuration: wrongPassphrase)
        let events = EventRecorder(client)
        client.start()
        let stopped = try await events.stopped()
        #expect(stopped?.code == .invalidConfiguration)
        #expect(stopped?.message.contains("PKCS#12") == true, "\(String(describing: stopped))")
        // Without any identity the listener refuses the handshake.
        var none = configuration
        none.tls?.pkcs12Identity = nil
        try await MQTTClientTransportTests.expectTransportFailure(none)
    }
}
