@testable import MQTT5
import MQTT5TestSupport
import Foundation
import MQTT5Testing
import NIOCore
import Testing

@Suite(
    "Client authentication and authorization against mosquitto", .timeLimit(.minutes(1)),
    .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientAuthorizationTests {
    static func secureBroker() async throws -> MosquittoBroker {
        let directory = try makeTemporaryDirectory("mqtt-auth")
        try await runTool(
            "/usr/bin/mosquitto_passwd", ["-b", "-c", "\(directory)/passwd", "alice", "s3cret"], in: directory)
        try """
        user alice
        topic readwrite allowed/#
        topic read readonly/#
        """.write(toFile: "\(directory)/acl", atomically: true, encoding: .utf8)
        var configuration = MosquittoBroker.Configuration()
        configuration.allowAnonymous = false
        configuration.extraConfiguration = "password_file \(directory)/passwd\nacl_file \(directory)/acl"
        return try await MosquittoBroker.start(configuration)
    }

    @Test(
        "Username and password from a password file: accepted, and a wrong password stops the client",
        arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
    func password(version: MQTTProtocolVersion) async throws {
        let broker = try await Self.secureBroker()
        defer { broker.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "alice-\(version.rawValue)", version: version)
        configuration.username = "alice"
        configuration.setPassword("s3cret")
        try await withMQTTClient(configuration: configuration) { client in
            #expect(client.isConnected)
        }
        configuration.setPassword("wrong")
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let (connAck, error) = try await events.connectionFailure()
        #expect(error.code == .connectionRefused)
        let code = connAck?.reasonCode
        #expect(code == .badUserNameOrPassword || code == .notAuthorized, "\(String(describing: code))")
        // Not retried: the failure cannot heal.
        #expect(try await events.stopped()?.code == .connectionRefused)
    }

    /// mosquitto 2.0.11's `acl_file` never refuses a SUBSCRIBE (it filters deliveries instead), so
    /// the denial comes from its dynamic security plugin: `mosquitto_ctrl dynsec init` creates the
    /// user, and its role is rewritten to allow `allowed/#` only (default access denies the rest).
    static func dynamicSecurityBroker() async throws -> MosquittoBroker {
        let plugin = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"
        guard FileManager.default.fileExists(atPath: plugin) else {
            throw TestTimeout("no dynamic security plugin at \(plugin)")
        }
        let directory = try makeTemporaryDirectory("mqtt-dynsec")
        let file = "\(directory)/dynsec.json"
        try await runTool("/usr/bin/mosquitto_ctrl", ["dynsec", "init", file, "alice", "s3cret"], in: directory)
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        guard var json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            var roles = json["roles"] as? [[String: Any]], !roles.isEmpty
        else { throw TestTimeout("unexpected dynsec.json") }
        roles[0]["acls"] = [
            ["acltype": "subscribePattern", "topic": "allowed/#", "allow": true],
            ["acltype": "publishClientSend", "topic": "allowed/#", "allow": true],
            ["acltype": "publishClientReceive", "topic": "#", "allow": true],
        ]
        json["roles"] = roles
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        var configuration = MosquittoBroker.Configuration()
        configuration.allowAnonymous = false
        configuration.extraConfiguration = "plugin \(plugin)\nplugin_opt_config_file \(file)"
        return try await MosquittoBroker.start(configuration)
    }

    @Test("A filter the ACL denies gets SUBACK 0x87 next to a granted one; a denied publish gets PUBACK 0x87")
    func aclDenied() async throws {
        let broker = try await Self.dynamicSecurityBroker()
        defer { broker.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "alice-acl")
        configuration.username = "alice"
        configuration.setPassword("s3cret")
        try await withMQTTClient(configuration: configuration) { client in
            let subAck = try await client.subscribe([
                MQTTSubscription(topicFilter: "allowed/x", qos: .atLeastOnce),
                MQTTSubscription(topicFilter: "secret/x", qos: .atLeastOnce),
            ])
            #expect(subAck.reasonCodes == [.grantedQoS1, .notAuthorized])
            // The PUBACK says so (MQTT 5); it is returned, not thrown.
            let result = try await client.publish(
                to: "readonly/x", payload: ByteBuffer(string: "no"), qos: .atLeastOnce)
            #expect(result.pubAck?.reasonCode == .notAuthorized)
            #expect(!result.isSuccess)
            #expect(
                try await client.publish(to: "allowed/x", payload: ByteBuffer(string: "yes"), qos: .atLeastOnce)
                    .isSuccess)
        }
    }

    @Test("mosquitto's acl_file grants every SUBSCRIBE (documented here) but withholds denied messages")
    func aclFileFiltersDelivery() async throws {
        let broker = try await Self.secureBroker()
        defer { broker.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "alice-aclfile")
        configuration.username = "alice"
        configuration.setPassword("s3cret")
        try await withMQTTClient(configuration: configuration) { client in
            let received = PublishRecorder(client)
            let subAck = try await client.subscribe([MQTTSubscription(topicFilter: "secret/x", qos: .atLeastOnce)])
            #expect(subAck.reasonCodes == [.grantedQoS1])
            try await client.publish(to: "secret/x", payload: ByteBuffer(string: "hidden"), qos: .atLeastOnce)
            await #expect(throws: TestTimeout.self) { try await received.next(timeout: .milliseconds(300)) }
        }
    }
}
