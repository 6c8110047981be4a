import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Testing

@Suite("Per-publish topic alias policy (ohmqtt's alias_policy)", .timeLimit(.minutes(1)))
struct MQTTClientAliasPolicyTests {
    static func start(
        _ broker: MQTTTestBroker, _ clientID: String, version: MQTTProtocolVersion = .v5_0,
        outbound: MQTTTopicAliasing.Outbound = .disabled
    ) async throws -> MQTTClient {
        var configuration = try MQTTClient.Configuration.test(
            url: broker.endpoint, clientIdentifier: clientID, version: version)
        configuration.topicAliasing.outbound = outbound
        let client = MQTTClient(configuration: configuration)
        client.start()
        try await client.waitForConnection(timeout: .seconds(10))
        return client
    }

    /// The (topic, alias) of the PUBLISH packets the broker received from `clientID`, as on the wire.
    static func wirePublishes(_ broker: MQTTTestBroker, _ clientID: String) -> [String] {
        broker.receivedPackets(clientID: clientID).compactMap { packet in
            guard case .publish(let publish) = packet else { return nil }
            return "\(publish.topic)#\(publish.properties.topicAlias.map(String.init) ?? "-")"
        }
    }

    static func payload(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test(
        "never, ifAvailable and always against a broker allowing 2 aliases, with aliasing disabled in the configuration"
    )
    func policies() async throws {
        var brokerConfiguration = MQTTTestBroker.Configuration()
        brokerConfiguration.capabilities.topicAliasMaximum = 2
        try await withMQTTTestBroker(configuration: brokerConfiguration) { broker in
            let client = try await Self.start(broker, "alias-policy")
            let messages = PublishRecorder(client, matching: "t/#")
            try await client.subscribe(to: "t/#", qos: .atLeastOnce)
            for (topic, policy) in [
                ("t/a", MQTTTopicAliasPolicy.never), ("t/a", .ifAvailable), ("t/a", .ifAvailable),
                ("t/b", .always), ("t/c", .ifAvailable), ("t/b", .always), ("t/a", .never),
            ] {
                let result = try await client.publish(
                    to: topic, payload: Self.payload(topic), qos: .atLeastOnce, aliasPolicy: policy)
                #expect(result.isSuccess)
            }
            // No policy: the configuration's behaviour (disabled).
            try await client.publish(to: "t/b", payload: Self.payload("t/b"), qos: .atLeastOnce)
            let error = await #expect(throws: MQTTError.self) {
                try await client.publish(
                    to: "t/c", payload: Self.payload("t/c"), qos: .atLeastOnce, aliasPolicy: .always)
            }
            #expect(error?.code == .topicAliasUnavailable)
            #expect(error?.message.contains("all 2 topic aliases") == true)
            let qos0Error = await #expect(throws: MQTTError.self) {
                try await client.publish(to: "t/d", payload: Self.payload("t/d"), aliasPolicy: .always)
            }
            #expect(qos0Error?.code == .topicAliasUnavailable)
            #expect(
                Self.wirePublishes(broker, "alias-policy") == [
                    "t/a#-", "t/a#1", "#1", "t/b#2", "t/c#-", "#2", "t/a#-", "t/b#-",
                ])
            // The broker resolved every alias: the messages came back with their topics.
            var topics: [String] = []
            for _ in 0..<8 { topics.append(try await messages.next().topic) }
            #expect(topics == ["t/a", "t/a", "t/a", "t/b", "t/c", "t/b", "t/a", "t/b"])
            await client.stop()
        }
    }

    @Test("policies with LRU aliasing configured: a policy never evicts; without one the LRU does")
    func policiesWithLRU() async throws {
        var brokerConfiguration = MQTTTestBroker.Configuration()
        brokerConfiguration.capabilities.topicAliasMaximum = 1
        try await withMQTTTestBroker(configuration: brokerConfiguration) { broker in
            let client = try await Self.start(broker, "alias-lru", outbound: .lru(cacheSize: 5))
            try await client.publish(to: "x", payload: Self.payload("1"), qos: .atLeastOnce)
            try await client.publish(to: "y", payload: Self.payload("2"), qos: .atLeastOnce, aliasPolicy: .ifAvailable)
            let error = await #expect(throws: MQTTError.self) {
                try await client.publish(to: "y", payload: Self.payload("3"), qos: .atLeastOnce, aliasPolicy: .always)
            }
            #expect(error?.code == .topicAliasUnavailable)
            try await client.publish(to: "x", payload: Self.payload("4"), qos: .atLeastOnce, aliasPolicy: .always)
            try await client.publish(to: "y", payload: Self.payload("5"), qos: .atLeastOnce)
            try await client.publish(to: "y", payload: Self.payload("6"), qos: .atLeastOnce, aliasPolicy: .never)
            #expect(Self.wirePublishes(broker, "alias-lru") == ["x#1", "y#-", "#1", "y#1", "y#-"])
            await client.stop()
        }
    }

    @Test("always fails clearly when the broker allows no aliases, and with MQTT 3.1.1; ifAvailable sends the topic")
    func alwaysWithoutAliases() async throws {
        var brokerConfiguration = MQTTTestBroker.Configuration()
        brokerConfiguration.capabilities.topicAliasMaximum = 0
        try await withMQTTTestBroker(configuration: brokerConfiguration) { broker in
            for (clientID, version) in [("alias-none-5", MQTTProtocolVersion.v5_0), ("alias-none-311", .v3_1_1)] {
                let client = try await Self.start(broker, clientID, version: version)
                let error = await #expect(throws: MQTTError.self) {
                    try await client.publish(
                        to: "z", payload: Self.payload("1"), qos: .atLeastOnce, aliasPolicy: .always)
                }
                #expect(error?.code == .topicAliasUnavailable)
                #expect(error?.message.contains("allows no topic aliases") == true)
                try await client.publish(
                    to: "z", payload: Self.payload("2"), qos: .atLeastOnce, aliasPolicy: .ifAvailable)
                #expect(Self.wirePublishes(broker, clientID) == ["z#-"])
                await client.stop()
            }
        }
    }
}
