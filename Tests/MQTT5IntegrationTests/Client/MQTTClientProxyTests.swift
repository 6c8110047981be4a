import ArgumentParser
import Foundation
@testable import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing
@testable import mqtt

/// HTTP CONNECT tunnels through a real tinyproxy (started per test on a free loopback port with
/// the configuration file it writes) to a real mosquitto.
@Suite(
    "Client through an HTTP proxy (tinyproxy)", .serialized, .timeLimit(.minutes(1)),
    .enabled(if: MosquittoBroker.shouldRunTests && TinyproxyProcess.shouldRunTests))
struct MQTTClientProxyTests {
    static func proxyURL(_ proxy: TinyproxyProcess, user: String? = "alice", password: String = "s3cret") -> String {
        "http://\(user.map { "\($0):\(password)@" } ?? "")127.0.0.1:\(proxy.port)"
    }

    @Test("mqtt:// through a proxy with basic auth: the round trip works and the proxy saw the CONNECT")
    func plainTunnel() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let proxy = try await TinyproxyProcess.start(
            .init(connectPorts: [broker.port], basicAuth: ("alice", "s3cret")), port: try MosquittoBroker.freePort())
        defer { proxy.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "proxied")
        configuration.proxy = try MQTTHTTPProxy(url: Self.proxyURL(proxy))
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "proxy")
        }
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(broker.port)"), "\(proxy.log)")
    }

    @Test("No credentials (407), wrong ones (tinyproxy: 401) and a forbidden port (403) stop the client")
    func refusedTunnels() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let proxy = try await TinyproxyProcess.start(
            .init(connectPorts: [broker.port], basicAuth: ("alice", "s3cret")), port: try MosquittoBroker.freePort())
        defer { proxy.stop() }
        let cases: [(url: String, target: Int, status: String)] = [
            (Self.proxyURL(proxy, password: "wrong"), broker.port, "HTTP 401"),
            (Self.proxyURL(proxy, user: nil), broker.port, "HTTP 407"),
            (Self.proxyURL(proxy), broker.port + 1, "HTTP 403"),
        ]
        for (url, target, status) in cases {
            var configuration = try MQTTClient.Configuration.test(
                url: "mqtt://127.0.0.1:\(target)", clientIdentifier: "refused")
            configuration.proxy = try MQTTHTTPProxy(url: url)
            let client = MQTTClient(configuration: configuration)
            let events = EventRecorder(client)
            client.start()
            let (_, error) = try await events.connectionFailure()
            #expect(error.code == .proxyNotAuthorized, "\(error)")
            #expect(error.message.contains(status), "\(error)")
            #expect(try await events.stopped()?.code == .proxyNotAuthorized)
            await client.stop()
        }
    }

    @Test("A proxy that cannot reach the broker (HTTP 500) is a proxyRefused failure that is retried")
    func unreachableTargetIsRetried() async throws {
        let port = try MosquittoBroker.freePort()  // nothing listens there
        let proxy = try await TinyproxyProcess.start(.init(connectPorts: [port]), port: try MosquittoBroker.freePort())
        defer { proxy.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(port)", clientIdentifier: "retry")
        configuration.proxy = try MQTTHTTPProxy(url: Self.proxyURL(proxy, user: nil))
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        for _ in 0..<2 {
            let (_, error) = try await events.connectionFailure()
            #expect(error.code == .proxyRefused, "\(error)")
            #expect(error.message.contains("HTTP 5"), "\(error)")
        }
        await client.stop()
    }

    @Test("mqtts:// through the tunnel: TLS to mosquitto end to end, verified against the test CA")
    func tlsThroughTunnel() async throws {
        let certificates = try await MQTTClientTransportTests.Certificates.generate()
        let tlsPort = try MosquittoBroker.freePort()
        var brokerConfiguration = MosquittoBroker.Configuration()
        brokerConfiguration.extraConfiguration = """
            listener \(tlsPort) 127.0.0.1
            certfile \(certificates.serverCertificate)
            keyfile \(certificates.serverKey)
            """
        let broker = try await MosquittoBroker.start(brokerConfiguration)
        defer { broker.stop() }
        let proxy = try await TinyproxyProcess.start(
            .init(connectPorts: [tlsPort], basicAuth: ("alice", "s3cret")), port: try MosquittoBroker.freePort())
        defer { proxy.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtts://127.0.0.1:\(tlsPort)", clientIdentifier: "proxied-tls")
        configuration.tls = MQTTTLSConfiguration(trustRoots: .file(certificates.ca), serverName: "localhost")
        configuration.proxy = try MQTTHTTPProxy(url: Self.proxyURL(proxy))
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "proxy-tls")
        }
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(tlsPort)"), "\(proxy.log)")
        // Through the tunnel, the broker's certificate is still verified.
        var wrongCA = configuration
        wrongCA.tls?.trustRoots = .file(certificates.otherCA)
        try await MQTTClientTransportTests.expectTransportFailure(wrongCA)
    }

    @Test("An https:// proxy (TLS to the proxy with its own trust settings), and mqtts:// inside: TLS in TLS")
    func secureProxy() async throws {
        let certificates = try await MQTTClientTransportTests.Certificates.generate()
        let tlsPort = try MosquittoBroker.freePort()
        var brokerConfiguration = MosquittoBroker.Configuration()
        brokerConfiguration.extraConfiguration = """
            listener \(tlsPort) 127.0.0.1
            certfile \(certificates.serverCertificate)
            keyfile \(certificates.serverKey)
            """
        let broker = try await MosquittoBroker.start(brokerConfiguration)
        defer { broker.stop() }
        let proxy = try await TinyproxyProcess.start(
            .init(connectPorts: [tlsPort], basicAuth: ("alice", "s3cret")), port: try MosquittoBroker.freePort())
        defer { proxy.stop() }
        // tinyproxy speaks plain HTTP; a TLS front (swift-nio-ssl) makes it an https:// proxy.
        let front = try await TLSFront.start(
            certificate: certificates.serverCertificate, key: certificates.serverKey, maximumVersion: .tlsv13,
            upstreamPort: proxy.port)
        defer { front.close() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtts://127.0.0.1:\(tlsPort)", clientIdentifier: "https-proxy")
        configuration.tls = MQTTTLSConfiguration(trustRoots: .file(certificates.ca), serverName: "localhost")
        var https = try MQTTHTTPProxy(url: "https://alice:s3cret@127.0.0.1:\(front.port)")
        https.tls = MQTTTLSConfiguration(trustRoots: .file(certificates.ca), serverName: "localhost")
        configuration.proxy = https
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "https-proxy")
        }
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(tlsPort)"), "\(proxy.log)")
        // The proxy's certificate is verified with the proxy's settings, not the broker's.
        var untrusted = configuration
        untrusted.proxy?.tls?.trustRoots = .file(certificates.otherCA)
        try await MQTTClientTransportTests.expectTransportFailure(untrusted)
    }

    @Test("ws:// through the tunnel to a WebSocket front of mosquitto")
    func webSocketThroughTunnel() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let bridge = try await WebSocketBridge.start(brokerPort: broker.port)
        let proxy = try await TinyproxyProcess.start(
            .init(connectPorts: [bridge.port]), port: try MosquittoBroker.freePort())
        defer { proxy.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "ws://127.0.0.1:\(bridge.port)", clientIdentifier: "proxied-ws")
        configuration.proxy = try MQTTHTTPProxy(url: Self.proxyURL(proxy, user: nil))
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "proxy-ws")
        }
        #expect(try await bridge.requests.next().uri == "/mqtt")
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(bridge.port)"), "\(proxy.log)")
        await bridge.close()
    }

    @Test("mqtt pub --proxy publishes through tinyproxy")
    func commandLineProxy() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let proxy = try await TinyproxyProcess.start(
            .init(connectPorts: [broker.port], basicAuth: ("alice", "s3cret")), port: try MosquittoBroker.freePort())
        defer { proxy.stop() }
        let topic = uniqueTopic("cli-proxy")
        let watcher = try MQTTClient.Configuration.test(url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "w")
        try await withMQTTClient(configuration: watcher, connectTimeout: .seconds(5)) { client in
            let received = PublishRecorder(client, matching: topic)
            try await client.subscribe(to: topic)
            try await Publish.parse([
                "--url", "mqtt://127.0.0.1:\(broker.port)", "--proxy", Self.proxyURL(proxy), "-t", topic, "-m", "via",
            ]).run()
            #expect(try await received.next().payload.text == "via")
        }
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(broker.port)"), "\(proxy.log)")
    }
}
