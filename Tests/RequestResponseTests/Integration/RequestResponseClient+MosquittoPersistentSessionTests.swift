import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Synchronization
import Testing

extension RRSuite.Mosquitto {
    @Suite("RequestResponseClient on persistent sessions across broker restarts")
    struct PersistentSessionTests {
        /// What the load saw.
        struct Outcomes: Sendable {
            var succeeded = 0
            var failures: [String] = []
            var deadlineFailures = 0
        }

        /// The load's shared state.
        final class Load: Sendable {
            let outcomes = Mutex(Outcomes())
            let running = Atomic<Bool>(true)
        }

        @Test(
            "mosquitto stopped (SIGTERM) and restarted under request load, persistent sessions: no failed request, the stream stays ESTABLISHED",
            .timeLimit(.minutes(1)))
        func brokerRestartUnderLoad() async throws {
            var broker = MosquittoBroker.Configuration()
            broker.extraConfiguration = "persistence true\npersistence_location {dir}/\nmax_queued_messages 0\n"
            try await withMosquitto(broker) { rig in
                func persistent(_ name: String) throws -> MQTTClient.Configuration {
                    var configuration = try rig.configuration(name)
                    // mosquitto persists only sessions begun with clean start false.
                    configuration.sessionBehavior = .rejoinAlways
                    configuration.sessionExpiryInterval = 300
                    configuration.ackTimeout = .seconds(20)
                    return configuration
                }
                let serviceClient = try await rig.client(try persistent("service"))
                let service = try await ThingResponder.start(on: MQTTClientTransport(serviceClient), prefix: rig.prefix)
                let mqtt = try await rig.client(try persistent("client"))
                let client = try RequestResponseClient(mqtt, options: .test(rr: 4, streaming: 1, timeout: .seconds(15)))
                let publisher = try await rig.client("publisher")
                let stream = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/events/#"))
                try stream.open()
                var reader = EventReader(stream)
                #expect(try await reader.status()?.type == .established)

                let shared = Load()
                let outcomes = shared
                let load = Task {
                    await withTaskGroup(of: Void.self) { group in
                        for worker in 0..<4 {
                            group.addTask {
                                var index = 0
                                while shared.running.load(ordering: .relaxed) {
                                    index += 1
                                    do {
                                        let response = try await client.request(
                                            service.request("lamp-\(worker)", token: "\(worker)-\(index)"))
                                        let echoed = String(buffer: response.payload).contains("\"\(worker)-\(index)\"")
                                        outcomes.outcomes.withLock {
                                            if echoed {
                                                $0.succeeded += 1
                                            } else {
                                                $0.failures.append("wrong response \(String(buffer: response.payload))")
                                            }
                                        }
                                    } catch {
                                        outcomes.outcomes.withLock {
                                            if error.rrCode == .timeout {
                                                $0.deadlineFailures += 1
                                            } else {
                                                $0.failures.append("\(error)")
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                defer { load.cancel() }
                try await waitUntil("requests flowing") { outcomes.outcomes.withLock { $0.succeeded } >= 40 }

                rig.broker.stop()  // SIGTERM: mosquitto saves its sessions
                try await waitUntil("client disconnected") { !mqtt.isConnected }
                // Each worker has a request in flight across the outage.
                #expect(await client.statistics.requestsInFlight == 4)
                try await Task.sleep(for: .milliseconds(200))
                let beforeRestart = outcomes.outcomes.withLock { $0.succeeded }
                try await rig.broker.restart()
                try await waitUntil("reconnected") { mqtt.isConnected && serviceClient.isConnected }
                #expect(mqtt.negotiatedSettings?.rejoinedSession == true)
                try await waitUntil("requests flowing again") {
                    outcomes.outcomes.withLock { $0.succeeded } >= beforeRestart + 80
                }
                shared.running.store(false, ordering: .relaxed)
                await load.value

                let final = outcomes.outcomes.withLock { $0 }
                #expect(final.failures.isEmpty, "\(final.failures.prefix(5))")
                // The deadline (15 s) is far beyond the outage: none should expire.
                #expect(final.deadlineFailures == 0)
                #expect(await client.statistics.requestsFailed[.sessionLost] == nil)

                // The stream went through the restart without a status event: the next event is a publish.
                try await StreamingTests.publish(publisher, "\(rig.prefix)/events/after", "after")
                let event = try await reader.next()
                guard case .publish(let publish) = event else {
                    Issue.record("expected the publish, got \(String(describing: event))")
                    return
                }
                #expect(publish.topic == "\(rig.prefix)/events/after")
                stream.close()
                await client.close()
                await service.close()
            }
        }
    }
}
