import Foundation
import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Testing

extension RRSuite.Mosquitto {
    @Suite("StreamingOperation over mosquitto")
    struct StreamingTests {
        /// Publishes `payload` on `topic` at QoS 1 and checks the PUBACK.
        static func publish(_ client: MQTTClient, _ topic: String, _ payload: String) async throws {
            let result = try await client.publish(to: topic, payload: ByteBuffer(string: payload), qos: .atLeastOnce)
            #expect(result.isSuccess)
        }

        /// The payloads of the publishes read until none comes for 150 ms.
        static func payloads(_ reader: inout EventReader) async throws -> [String] {
            var payloads: [String] = []
            while let event = try? await reader.next(timeout: .milliseconds(150)) {
                guard case .publish(let publish) = event else {
                    Issue.record("unexpected \(String(describing: event))")
                    break
                }
                payloads.append(String(buffer: publish.payload))
            }
            return payloads
        }

        /// Expects no event within `interval`.
        static func expectQuiet(
            _ reader: inout EventReader, for interval: Duration = .milliseconds(150),
            sourceLocation: SourceLocation = #_sourceLocation
        ) async {
            do {
                let event = try await reader.next(timeout: interval)
                Issue.record("expected no event, got \(String(describing: event))", sourceLocation: sourceLocation)
            } catch {}
        }

        @Test(
            "ESTABLISHED, then the events published on the filter; a stream budget of 1 halts a second filter until both are closed"
        )
        func establishedEventsAndBudget() async throws {
            try await withMosquitto { rig in
                let publisher = try await rig.client("publisher")
                let client = try RequestResponseClient(
                    transport: try await rig.transport("client"), options: .test(rr: 2, streaming: 1))
                let first = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/events/+"))
                try first.open()
                var firstReader = EventReader(first)
                #expect(try await firstReader.status()?.type == .established)
                for index in 0..<3 { try await Self.publish(publisher, "\(rig.prefix)/events/\(index)", "e\(index)") }
                for index in 0..<3 {
                    let publish = try await firstReader.publish()
                    #expect(publish?.topic == "\(rig.prefix)/events/\(index)")
                    #expect(publish.map { String(buffer: $0.payload) } == "e\(index)")
                }

                let second = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/other/#"))
                try second.open()
                var secondReader = EventReader(second)
                let halted = try await secondReader.status()
                #expect(halted?.type == .halted)
                #expect(halted?.error?.code == .noSubscriptionCapacity)
                #expect(try await secondReader.next() == nil)

                first.close()
                second.close()
                let third = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/third"))
                try third.open()
                var thirdReader = EventReader(third)
                #expect(try await thirdReader.status()?.type == .established)
                try await Self.publish(publisher, "\(rig.prefix)/third", "3")
                #expect(try await thirdReader.publish()?.topic == "\(rig.prefix)/third")
                let statistics = await client.statistics
                #expect(statistics.subscribesSent == 2)
                #expect(statistics.streamPublishesDelivered == 4)
                third.close()
                await client.close()
            }
        }

        @Test(
            "overlapping stream filters: each stream receives each message once (known issue over MQTT 5: one copy per matching subscription)",
            arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
        func overlappingFilters(version: MQTTProtocolVersion) async throws {
            try await withMosquitto { rig in
                let publisher = try await rig.client("publisher")
                let client = try RequestResponseClient(
                    transport: try await rig.transport("client", version: version), options: .test(rr: 2, streaming: 2))
                let wide = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/events/#"))
                let narrow = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/events/+"))
                try wide.open()
                try narrow.open()
                var wideReader = EventReader(wide)
                var narrowReader = EventReader(narrow)
                #expect(try await wideReader.status()?.type == .established)
                #expect(try await narrowReader.status()?.type == .established)
                try await Self.publish(publisher, "\(rig.prefix)/events/a", "1")
                try await Self.publish(publisher, "\(rig.prefix)/events/a/b", "2")
                let wideSeen = try await Self.payloads(&wideReader)
                let narrowSeen = try await Self.payloads(&narrowReader)
                #expect(Set(wideSeen) == ["1", "2"])  // nothing lost, nothing foreign
                #expect(Set(narrowSeen) == ["1"])
                // Known defect over MQTT 5: mosquitto sends one copy per matching subscription
                // (3.1.1 gets one), and the layer routes every copy to every matching stream, so
                // each stream sees "events/a" twice. QoS 1 allows duplicates, so nothing is lost;
                // a fix needs subscription identifiers routed per filter in the layer.
                // `withKnownIssue` fails once the duplicates are gone, to remove this note.
                await withKnownIssue(
                    "MQTT 5 overlapping subscriptions: one copy per subscription, each routed to every matching stream"
                ) {
                    #expect(wideSeen == ["1", "2"])
                    #expect(narrowSeen == ["1"])
                    #expect(await client.statistics.streamPublishesDelivered == 3)
                } when: {
                    version == .v5_0
                }
                wide.close()
                narrow.close()
                await client.close()
            }
        }

        @Test(
            "a filter the broker's ACL denies: HALTED with SUBACK 0x87 (dynamic security); an allowed one is ESTABLISHED"
        )
        func aclDenied() async throws {
            let broker = try await DynamicSecurity.broker(allowing: "allowed/#")
            let rig = MosquittoRig(broker: broker)
            do {
                var configuration = try rig.configuration("acl")
                configuration.username = DynamicSecurity.username
                configuration.setPassword(DynamicSecurity.password)
                let client = try RequestResponseClient(
                    transport: MQTTClientTransport(try await rig.client(configuration)),
                    options: .test(rr: 2, streaming: 2))
                let denied = try client.streamingOperation(.init(topicFilter: "denied/x"))
                try denied.open()
                var deniedReader = EventReader(denied)
                let halted = try await deniedReader.status()
                #expect(halted?.type == .halted)
                #expect(halted?.error?.code == .subscribeFailure)
                #expect(halted?.error?.reasonCode == .subAck(.notAuthorized))
                #expect(try await deniedReader.next() == nil)

                let allowed = try client.streamingOperation(.init(topicFilter: "allowed/x"))
                try allowed.open()
                var allowedReader = EventReader(allowed)
                #expect(try await allowedReader.status()?.type == .established)
                #expect(await client.statistics.subscribesSent == 2)  // HALTED is final: not retried
                allowed.close()
                denied.close()
                await client.close()
            } catch {
                await rig.shutdown()
                throw error
            }
            await rig.shutdown()
        }

        @Test(
            "MQTT 3.1.1: the denied SUBACK is 0x80, which is retryable: no event, retried with capped backoff, not in a tight loop"
        )
        func aclDeniedMQTT311() async throws {
            let broker = try await DynamicSecurity.broker(allowing: "allowed/#")
            let rig = MosquittoRig(broker: broker)
            do {
                var configuration = try rig.configuration("acl311", version: .v3_1_1)
                configuration.username = DynamicSecurity.username
                configuration.setPassword(DynamicSecurity.password)
                let client = try RequestResponseClient(
                    transport: MQTTClientTransport(try await rig.client(configuration)),
                    options: .test(rr: 2, streaming: 2))
                let denied = try client.streamingOperation(.init(topicFilter: "denied/x"))
                try denied.open()
                var reader = EventReader(denied)
                await Self.expectQuiet(&reader, for: .milliseconds(400))
                // Backoff 20, 40, 80, 80... ms: about 6 attempts in 400 ms; a tight loop would make hundreds.
                let attempts = await client.statistics.subscribesSent
                #expect((2...10).contains(attempts), "\(attempts) SUBSCRIBEs in 400 ms")
                denied.close()
                await client.close()
            } catch {
                await rig.shutdown()
                throw error
            }
            await rig.shutdown()
        }

        @Test(
            "mosquitto killed and restarted (no persistence): nothing on the disconnect, then LOST with an error, ESTABLISHED, and events flow again"
        )
        func brokerRestartWithoutSession() async throws {
            try await withMosquitto { rig in
                let publisher = try await rig.client("publisher")
                let mqtt = try await rig.client("client")
                let client = try RequestResponseClient(mqtt, options: .test(rr: 2, streaming: 1))
                let stream = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/events/#"))
                try stream.open()
                var reader = EventReader(stream)
                #expect(try await reader.status()?.type == .established)
                try await Self.publish(publisher, "\(rig.prefix)/events/before", "1")
                #expect(try await reader.publish()?.topic == "\(rig.prefix)/events/before")

                rig.broker.kill()
                try await waitUntil("client disconnected") { !mqtt.isConnected }
                await Self.expectQuiet(&reader)
                try await rig.broker.restart()

                let lost = try await reader.status()
                #expect(lost?.type == .lost)
                #expect(lost?.error?.code == .sessionLost)
                #expect(try await reader.status()?.type == .established)
                try await publisher.waitForConnection(timeout: .seconds(5))
                try await Self.publish(publisher, "\(rig.prefix)/events/after", "2")
                #expect(try await reader.publish()?.topic == "\(rig.prefix)/events/after")
                #expect(await client.statistics.subscribesSent == 2)
                stream.close()
                await client.close()
            }
        }

        @Test("a dropped connection resumed with its session (clean start false, session expiry): no LOST, events flow")
        func resumedSessionAfterDrop() async throws {
            try await withMosquitto { rig in
                let publisher = try await rig.client("publisher")
                var configuration = try rig.configuration("resumer")
                configuration.sessionBehavior = .rejoinPostSuccess
                configuration.sessionExpiryInterval = 300
                let mqtt = try await rig.client(configuration)
                let client = try RequestResponseClient(mqtt, options: .test(rr: 2, streaming: 1))
                let events = EventRecorder(mqtt)
                let stream = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/events/#"))
                try stream.open()
                var reader = EventReader(stream)
                #expect(try await reader.status()?.type == .established)

                mqtt.dropConnectionForTesting()
                let connAck = try await events.connectionSuccess()
                #expect(connAck.sessionPresent)
                try await Self.publish(publisher, "\(rig.prefix)/events/after", "2")
                // The next event is the publish: no LOST, no second ESTABLISHED.
                #expect(try await reader.publish()?.topic == "\(rig.prefix)/events/after")
                #expect(await client.statistics.subscribesSent == 1)
                stream.close()
                await client.close()
            }
        }

        @Test("mosquitto restarted with persistence: the session is resumed, no LOST, events flow")
        func resumedSessionAfterPersistentRestart() async throws {
            var broker = MosquittoBroker.Configuration()
            broker.extraConfiguration = "persistence true\npersistence_location {dir}/\n"
            try await withMosquitto(broker) { rig in
                // mosquitto 2.0.11 saves only sessions begun with clean start false: rejoin always.
                var configuration = try rig.configuration("persistent")
                configuration.sessionBehavior = .rejoinAlways
                configuration.sessionExpiryInterval = 300
                let mqtt = try await rig.client(configuration)
                let client = try RequestResponseClient(mqtt, options: .test(rr: 2, streaming: 1))
                let events = EventRecorder(mqtt)
                let stream = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/events/#"))
                try stream.open()
                var reader = EventReader(stream)
                #expect(try await reader.status()?.type == .established)

                try await rig.broker.restart()  // SIGTERM: mosquitto saves its database
                let connAck = try await events.connectionSuccess()
                #expect(connAck.sessionPresent)
                let publisher = try await rig.client("publisher")
                try await Self.publish(publisher, "\(rig.prefix)/events/after", "2")
                #expect(try await reader.publish()?.topic == "\(rig.prefix)/events/after")
                #expect(await client.statistics.subscribesSent == 1)
                stream.close()
                await client.close()
            }
        }
    }
}

/// Records a client's connection events.
final class EventRecorder: Sendable {
    private let successes: AsyncStream<MQTTConnAckPacket>
    private let task: Task<Void, Never>

    init(_ client: MQTTClient) {
        let (successes, continuation) = AsyncStream<MQTTConnAckPacket>.makeStream()
        self.successes = successes
        let events = client.events()
        task = Task {
            for await event in events {
                if case .connectionSuccess(let connAck, _) = event { continuation.yield(connAck) }
            }
            continuation.finish()
        }
    }

    deinit { task.cancel() }

    /// The CONNACK of the next successful connection (at most 5 s).
    func connectionSuccess() async throws -> MQTTConnAckPacket {
        let successes = self.successes
        return try await withTimeout {
            var iterator = successes.makeAsyncIterator()
            guard let connAck = await iterator.next() else { throw WaitTimedOut(what: "connection") }
            return connAck
        }
    }
}
