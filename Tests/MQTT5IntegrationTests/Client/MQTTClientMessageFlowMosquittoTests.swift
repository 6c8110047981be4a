import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Testing

@Suite("Message flows against mosquitto", .timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientMessageFlowMosquittoTests {
    @Test("QoS 1 and 2 flows in both directions", arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
    func bothDirections(version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "flows-\(version.rawValue)", version: version)
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            let topic = uniqueTopic("flows")
            try await client.subscribe(to: "\(topic)/#", qos: .exactlyOnce)
            let flows = client.messageFlows()
            try await client.publish(to: "\(topic)/1", payload: ByteBuffer(string: "1"), qos: .atLeastOnce)
            try await client.publish(to: "\(topic)/2", payload: ByteBuffer(string: "2"), qos: .exactlyOnce)
            let log = try await MessageFlowLog.collect(flows, completing: 4)
            #expect(log.steps["outgoing-\(topic)/1"] == ["sent PUBLISH", "received PUBACK"])
            #expect(
                log.steps["outgoing-\(topic)/2"] == [
                    "sent PUBLISH", "received PUBREC", "sent PUBREL", "received PUBCOMP",
                ])
            #expect(log.steps["incoming-\(topic)/1"] == ["received PUBLISH", "sent PUBACK"])
            #expect(
                log.steps["incoming-\(topic)/2"] == [
                    "received PUBLISH", "sent PUBREC", "received PUBREL", "sent PUBCOMP",
                ])
        }
    }
}
