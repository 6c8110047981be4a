import ArgumentParser
import Foundation
@testable import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Testing
@testable import mqtt

/// Endpoint failover between two real mosquitto processes.
@Suite(
    "Endpoint failover against two mosquittos", .timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientFailoverTests {
    @Test("The primary is killed (SIGKILL): the client fails over to the second broker and keeps working")
    func failsOverWhenPrimaryDies() async throws {
        let primary = try await MosquittoBroker.start()
        defer { primary.stop() }
        let secondary = try await MosquittoBroker.start()
        defer { secondary.stop() }
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(primary.port)", clientIdentifier: "failover")
        configuration.failoverEndpoints = [try MQTTEndpoint(url: "mqtt://127.0.0.1:\(secondary.port)")]
        // A long backoff: failing over must not wait for it.
        configuration.reconnect = MQTTReconnectPolicy(
            minimumDelay: .seconds(20), maximumDelay: .seconds(20), jitter: .none)
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let (_, first) = try await events.connectionSuccess()
        #expect(first.endpoint?.port == primary.port)
        try await MQTTClientTransportTests.roundTrip(client, "before")

        let killedAt = ContinuousClock.now
        primary.kill()
        _ = try await events.disconnection()
        let (_, second) = try await events.connectionSuccess(timeout: .seconds(5))
        #expect(second.endpoint?.port == secondary.port)
        #expect(ContinuousClock.now - killedAt < .seconds(5))
        #expect(client.negotiatedSettings?.endpoint == second.endpoint)
        try await MQTTClientTransportTests.roundTrip(client, "after")
        await client.stop()
    }

    @Test("A dead first endpoint is skipped at once within the first rotation")
    func skipsDeadFirstEndpoint() async throws {
        let live = try await MosquittoBroker.start()
        defer { live.stop() }
        let dead = try MosquittoBroker.freePort()
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(dead)", clientIdentifier: "skip-dead")
        configuration.endpoints = [
            try MQTTEndpoint(url: "mqtt://127.0.0.1:\(dead)"), try MQTTEndpoint(url: "mqtt://127.0.0.1:\(live.port)"),
        ]
        configuration.reconnect = MQTTReconnectPolicy(
            minimumDelay: .seconds(20), maximumDelay: .seconds(20), jitter: .none)
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        let start = ContinuousClock.now
        client.start()
        let (_, failure) = try await events.connectionFailure()
        #expect(failure.message.contains("\(dead)"), "\(failure)")
        let (_, settings) = try await events.connectionSuccess(timeout: .seconds(5))
        #expect(settings.endpoint?.port == live.port)
        #expect(ContinuousClock.now - start < .seconds(5))
        await client.stop()
    }

    @Test("mqtt pub with two --url publishes through the one that is up")
    func commandLineFailover() async throws {
        let live = try await MosquittoBroker.start()
        defer { live.stop() }
        let dead = try MosquittoBroker.freePort()
        let topic = uniqueTopic("cli-failover")
        let watcher = try MQTTClient.Configuration.test(url: "mqtt://127.0.0.1:\(live.port)", clientIdentifier: "w")
        try await withMQTTClient(configuration: watcher, connectTimeout: .seconds(5)) { client in
            let received = PublishRecorder(client, matching: topic)
            try await client.subscribe(to: topic)
            try await Publish.parse([
                "--url", "mqtt://127.0.0.1:\(dead)", "--url", "mqtt://127.0.0.1:\(live.port)", "-t", topic, "-m", "up",
            ]).run()
            #expect(try await received.next().payload.text == "up")
        }
    }
}
