import ArgumentParser
import Foundation
@testable import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Testing
@testable import mqtt

/// MQTT 3.1 (`MQIsdp`, level 3) against mosquitto, which still speaks it, directly and through
/// the `mqtt` command line tool.
@Suite("MQTT 3.1 against mosquitto", .timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientProtocol31Tests {
    /// mosquitto logs `New client connected from ... as ID (p1, ...)` for MQTT 3.1 (p2: 3.1.1, p5: 5).
    static func loggedProtocol(_ broker: MosquittoBroker, clientID: String) async throws -> String? {
        for _ in 0..<100 {
            let log = (try? String(contentsOf: broker.logFile, encoding: .utf8)) ?? ""
            if let line = log.split(separator: "\n").last(where: { $0.contains(" as \(clientID) (") }),
                let open = line.range(of: " as \(clientID) (p")
            {
                return String(line[open.upperBound...].prefix { $0 != "," })
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test("A 3.1 client connects as MQIsdp level 3, subscribes, publishes at QoS 0-2 and receives")
    func roundTrip() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "v31-client", version: .v3_1)
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            #expect(client.negotiatedSettings?.protocolVersion == .v3_1)
            #expect(client.negotiatedSettings?.subscriptionIdentifiersAvailable == false)
            let topic = uniqueTopic("v31")
            let received = PublishRecorder(client, matching: topic)
            let subAck = try await client.subscribe(to: topic, qos: .exactlyOnce)
            #expect(subAck.reasonCodes == [.grantedQoS2])
            for qos in MQTTQoS.allCases {
                let result = try await client.publish(
                    to: topic, payload: ByteBuffer(string: "q\(qos.rawValue)"), qos: qos)
                #expect(result.isSuccess)
                #expect(try await received.next().payload.text == "q\(qos.rawValue)")
            }
        }
        #expect(try await Self.loggedProtocol(broker, clientID: "v31-client") == "1")
    }

    @Test("3.1 needs a client identifier of 1 to 23 characters: the client stops with invalidConfiguration")
    func clientIdentifierRule() async throws {
        for identifier in ["", String(repeating: "x", count: 24)] {
            let configuration = try MQTTClient.Configuration.test(
                url: "mqtt://127.0.0.1:1", clientIdentifier: identifier, version: .v3_1)
            let client = MQTTClient(configuration: configuration)
            let events = EventRecorder(client)
            client.start()
            let stopped = try await events.stopped()
            #expect(stopped?.code == .invalidConfiguration)
            #expect(stopped?.message.contains("1 to 23") == true, "\(String(describing: stopped))")
        }
        // 23 characters is fine.
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let longest = String(repeating: "y", count: 23)
        let configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: longest, version: .v3_1)
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            #expect(client.isConnected)
        }
    }

    @Test("mqtt pub --protocol 3.1 | 3.1.1 | 5 (and --v311) reach mosquitto in that version")
    func commandLineProtocols() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let topic = uniqueTopic("cli")
        let subscriber = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "cli-watcher")
        try await withMQTTClient(configuration: subscriber, connectTimeout: .seconds(5)) { watcher in
            let received = PublishRecorder(watcher, matching: topic)
            try await watcher.subscribe(to: topic)
            let cases: [([String], String, String)] = [
                (["--protocol", "3.1"], "cli-31", "1"),
                (["--protocol", "3.1.1"], "cli-311", "2"),
                (["--v311"], "cli-v311", "2"),
                (["--protocol", "5"], "cli-5", "5"),
            ]
            for (flags, clientID, level) in cases {
                let command = try Publish.parse(
                    [
                        "--url", "mqtt://127.0.0.1:\(broker.port)", "-i", clientID, "-t", topic, "-m", clientID, "-q",
                        "1",
                    ]
                        + flags)
                try await command.run()
                #expect(try await received.next().payload.text == clientID)
                #expect(try await Self.loggedProtocol(broker, clientID: clientID) == level, "\(flags)")
            }
        }
    }

    @Test("The command line refuses an unknown --protocol and a --v311 that contradicts it")
    func commandLineValidation() throws {
        #expect(throws: (any Error).self) { try Publish.parse(["-t", "t", "--protocol", "4"]) }
        #expect(throws: (any Error).self) { try Publish.parse(["-t", "t", "--protocol", "5", "--v311"]) }
        let options = try Publish.parse(["-t", "t", "--protocol", "3.1", "-i", "dev"]).connection
        let configuration = try options.makeConfiguration()
        #expect(configuration.protocolVersion == .v3_1)
        #expect(configuration.endpoints.map(\.description) == ["mqtt://localhost:1883"])
        let failover = try Subscribe.parse(
            ["-t", "t", "--url", "mqtt://a:1", "--url", "mqtts://b:2", "--proxy", "http://u:p@proxy:3128"]
        ).connection.makeConfiguration()
        #expect(failover.endpoints.map(\.description) == ["mqtt://a:1", "mqtts://b:2"])
        #expect(failover.proxy == MQTTHTTPProxy(host: "proxy", port: 3128, username: "u", password: "p"))
    }
}
