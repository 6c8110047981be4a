@testable import MQTT5
import MQTT5TestSupport
import Foundation
import MQTT5Testing
import NIOCore
import Testing
import NIOHTTP1

@Suite("Client transports against mosquitto", .timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientTransportTests {
    /// A CA, a server certificate for localhost (no IP address SAN), a client certificate, and an unrelated CA.
    struct Certificates {
        let directory: String
        var ca: String { "\(directory)/ca.crt" }
        var otherCA: String { "\(directory)/other-ca.crt" }
        var serverCertificate: String { "\(directory)/server.crt" }
        var serverKey: String { "\(directory)/server.key" }
        var clientCertificate: String { "\(directory)/client.crt" }
        var clientKey: String { "\(directory)/client.key" }

        static func generate() async throws -> Certificates {
            let directory = try makeTemporaryDirectory("mqtt-tls")
            let openssl = "/usr/bin/openssl"
            let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            for ca in ["ca", "other-ca"] {
                try await runTool(
                    openssl,
                    ["req", "-x509"] + key + [
                        "-keyout", "\(ca).key", "-out", "\(ca).crt", "-days", "2", "-subj", "/CN=\(ca) test",
                    ], in: directory)
            }
            try "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n".write(
                toFile: "\(directory)/server.ext", atomically: true, encoding: .utf8)
            try "extendedKeyUsage=clientAuth\n".write(
                toFile: "\(directory)/client.ext", atomically: true, encoding: .utf8)
            for (name, subject) in [("server", "/CN=localhost"), ("client", "/CN=mqtt-client")] {
                try await runTool(
                    openssl, ["req"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject],
                    in: directory)
                try await runTool(
                    openssl,
                    [
                        "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                        "-out", "\(name).crt", "-days", "2", "-extfile", "\(name).ext",
                    ], in: directory)
            }
            return Certificates(directory: directory)
        }
    }

    static func roundTrip(_ client: MQTTClient, _ prefix: String) async throws {
        let topic = uniqueTopic(prefix)
        let received = PublishRecorder(client, matching: topic)
        try await client.subscribe(to: topic)
        try await client.publish(to: topic, payload: ByteBuffer(string: "over \(prefix)"), qos: .atLeastOnce)
        #expect(try await received.next().payload.text == "over \(prefix)")
    }

    @Test("Mutual TLS with test-time certificates; a wrong CA or a missing client certificate is rejected")
    func mutualTLS() async throws {
        let certificates = try await Certificates.generate()
        let tlsPort = try MosquittoBroker.freePort()
        var brokerConfiguration = MosquittoBroker.Configuration()
        brokerConfiguration.extraConfiguration = """
            listener \(tlsPort) 127.0.0.1
            cafile \(certificates.ca)
            certfile \(certificates.serverCertificate)
            keyfile \(certificates.serverKey)
            require_certificate true
            """
        let broker = try await MosquittoBroker.start(brokerConfiguration)
        defer { broker.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtts://127.0.0.1:\(tlsPort)", clientIdentifier: "tls")
        configuration.tls = MQTTTLSConfiguration(
            trustRoots: .file(certificates.ca),
            certificateChain: .file(certificates.clientCertificate),
            privateKey: .file(certificates.clientKey),
            serverName: "localhost"
        )
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await Self.roundTrip(client, "tls")
        }
        // The host of the URL is the name verified when no server name is set.
        var byName = configuration
        byName.endpoint = try MQTTEndpoint(url: "mqtts://localhost:\(tlsPort)")
        byName.tls?.serverName = nil
        try await withMQTTClient(configuration: byName, connectTimeout: .seconds(5)) { client in
            #expect(client.isConnected)
        }
        // Server name verification is on by default: the certificate names neither of these.
        var wrongName = configuration
        wrongName.tls?.serverName = "not-the-server.example"
        try await Self.expectTransportFailure(wrongName)
        var address = configuration
        address.tls?.serverName = nil
        try await Self.expectTransportFailure(address)
        // ...and can be turned off (chain verification stays on).
        var unverifiedName = address
        unverifiedName.tls?.verifyServerName = false
        try await withMQTTClient(configuration: unverifiedName, connectTimeout: .seconds(5)) { client in
            #expect(client.isConnected)
        }

        var wrongCA = configuration
        wrongCA.tls?.trustRoots = .file(certificates.otherCA)
        try await Self.expectTransportFailure(wrongCA)

        var noClientCertificate = configuration
        noClientCertificate.tls?.certificateChain = nil
        noClientCertificate.tls?.privateKey = nil
        try await Self.expectTransportFailure(noClientCertificate)
    }

    static func expectTransportFailure(
        _ configuration: MQTTClient.Configuration, messageContains: String? = nil
    ) async throws {
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let (_, error) = try await events.connectionFailure()
        #expect(error.code == .transportFailure || error.code == .connectionClosed, "\(error)")
        if let messageContains {
            #expect(error.message.contains(messageContains), "\(error)")
        } else {
            #expect(error.cause != nil, "\(error)")
        }
        #expect(!client.isConnected)
        await client.stop()
    }

    @Test("Unreadable TLS files stop the client with invalidConfiguration")
    func badTLSFiles() async throws {
        var configuration = try MQTTClient.Configuration.test(url: "mqtts://127.0.0.1:1", clientIdentifier: "badtls")
        configuration.tls = MQTTTLSConfiguration(trustRoots: .file("/nonexistent/ca.pem"))
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let (_, error) = try await events.connectionFailure()
        #expect(error.code == .invalidConfiguration)
        #expect(try await events.stopped()?.code == .invalidConfiguration)
    }

    @Test("Unix domain socket listener (mosquitto 2.0.11 supports `listener 0 <path>`)")
    func unixSocket() async throws {
        var brokerConfiguration = MosquittoBroker.Configuration()
        brokerConfiguration.extraConfiguration = "listener 0 {dir}/mqtt.sock"
        let broker = try await MosquittoBroker.start(brokerConfiguration)
        defer { broker.stop() }
        let path = broker.directory.appendingPathComponent("mqtt.sock").path
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: path) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let configuration = try MQTTClient.Configuration.test(url: "unix:\(path)", clientIdentifier: "unix")
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await Self.roundTrip(client, "unix")
        }
    }
}

@Suite("Client over WebSocket", .timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientWebSocketTests {
    @Test("ws:// through a WebSocket front to mosquitto, with an asynchronous handshake transform")
    func webSocket() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let bridge = try await WebSocketBridge.start(brokerPort: broker.port)
        var configuration = try MQTTClient.Configuration.test(
            url: "ws://127.0.0.1:\(bridge.port)", clientIdentifier: "ws")
        configuration.webSocket.headers = [("X-Static", "1")]
        configuration.webSocket.handshakeTransform = { request in
            try await Task.sleep(for: .milliseconds(10))  // e.g. fetching credentials
            var signed = request
            signed.path += "?X-Amz-Signature=abc"
            signed.setHeader("X-Signature", "signed-\(request.host)")
            return signed
        }
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "ws")
        }
        let head = try await bridge.requests.next()
        #expect(head.uri == "/mqtt?X-Amz-Signature=abc")
        #expect(head.headers["X-Signature"] == ["signed-127.0.0.1:\(bridge.port)"])
        #expect(head.headers["X-Static"] == ["1"])
        #expect(head.headers["Sec-WebSocket-Protocol"] == ["mqtt"])
        await bridge.close()
    }

    @Test("A refused upgrade and a failing transform are transport failures")
    func refusedUpgrade() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let bridge = try await WebSocketBridge.start(brokerPort: broker.port)
        var wrongPath = try MQTTClient.Configuration.test(
            url: "ws://127.0.0.1:\(bridge.port)/elsewhere", clientIdentifier: "ws-refused")
        wrongPath.reconnect.minimumDelay = .seconds(5)
        // The 404 must end the attempt, not the connect timeout: make that timeout long enough
        // that a loaded machine cannot blur the two.
        wrongPath.connectTimeout = .seconds(30)
        wrongPath.connAckTimeout = .seconds(30)
        let start = ContinuousClock.now
        try await MQTTClientTransportTests.expectTransportFailure(wrongPath, messageContains: "HTTP 404")
        #expect(ContinuousClock.now - start < .seconds(10))
        var failingTransform = try MQTTClient.Configuration.test(
            url: "ws://127.0.0.1:\(bridge.port)", clientIdentifier: "ws-transform")
        struct NoCredentials: Error {}
        failingTransform.webSocket.handshakeTransform = { _ in throw NoCredentials() }
        try await MQTTClientTransportTests.expectTransportFailure(failingTransform)
        await bridge.close()
    }
}
