#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Testing

extension RRSuite.Mosquitto {
    @Suite("RequestResponseClient across broker restarts")
    struct ConnectionTests {
        @Test(
            "broker restart, client without session: the published request fails with sessionLost, one submitted while offline waits and completes"
        )
        func restartWithoutClientSession() async throws {
            // The service keeps its session across the restart (persistence; mosquitto 2.0.11 saves
            // only sessions begun with clean start false, hence rejoinAlways), so it is subscribed
            // before anyone reconnects; the client connects clean every time.
            var broker = MosquittoBroker.Configuration()
            broker.extraConfiguration = "persistence true\npersistence_location {dir}/\n"
            try await withMosquitto(broker) { rig in
                var serviceConfiguration = try rig.configuration("service")
                serviceConfiguration.sessionBehavior = .rejoinAlways
                serviceConfiguration.sessionExpiryInterval = 300
                let gate = Gate()
                defer { gate.open() }
                let serviceClient = try await rig.client(serviceConfiguration)
                let serviceEvents = EventRecorder(serviceClient)
                let service = try await ThingResponder.start(on: MQTTClientTransport(serviceClient), prefix: rig.prefix)
                { arrival in
                    if arrival.token == "published" { await gate.wait() }
                    return nil
                }
                let mqtt = try await rig.client("client")
                let client = try RequestResponseClient(mqtt, options: .test(timeout: .seconds(5)))
                let published = Task { try await client.request(service.request("lamp", token: "published")) }
                try await waitUntil("published request at the service") { service.arrivals.count == 1 }

                rig.broker.stop()
                try await waitUntil("client disconnected") { !mqtt.isConnected }
                let offline = Task { try await client.request(service.request("lamp", token: "offline")) }
                try await waitUntil("two requests in flight") { await client.statistics.requestsInFlight == 2 }
                try await Task.sleep(for: .milliseconds(30))
                #expect(await client.statistics.publishesSent == 1)  // nothing is sent while offline
                try await rig.broker.restart()
                #expect(try await serviceEvents.connectionSuccess().sessionPresent)

                do {
                    _ = try await withTimeout { try await published.value }
                    Issue.record("expected sessionLost")
                } catch {
                    #expect(error.rrCode == .sessionLost)
                }
                let response = try await withTimeout { try await offline.value }
                #expect(response.topic == service.topic("lamp") + "/accepted")
                #expect(String(buffer: response.payload).contains(#""clientToken":"offline""#))
                let statistics = await client.statistics
                #expect(statistics.subscribesSent == 2)  // renewed after the session was lost
                #expect(statistics.requestsFailed[.sessionLost] == 1)
                await client.close()
                await service.close()
            }
        }

        static let policies: [MQTTOfflineQueuePolicy.Behavior] = [.failQoS0Publish, .failAll]

        /// Freezes mosquitto, runs `send` (which must send a SUBSCRIBE), drops the client's
        /// connection while that SUBSCRIBE is unanswered, and thaws mosquitto.
        static func dropWhileSubscribing(
            _ rig: MosquittoRig, _ mqtt: MQTTClient, sent: () async throws -> Bool, _ send: () throws -> Void
        ) async throws {
            let pid = try #require(rig.broker.pid)
            #expect(kill(pid, SIGSTOP) == 0)
            do {
                try send()
                try await waitUntil("SUBSCRIBE sent", sent)
                try await Task.sleep(for: .milliseconds(10))
                mqtt.dropConnectionForTesting()
                try await waitUntil("disconnected") { !mqtt.isConnected }
            } catch {
                kill(pid, SIGCONT)
                throw error
            }
            #expect(kill(pid, SIGCONT) == 0)
        }

        @Test(
            "a request whose SUBSCRIBE is unanswered when the connection drops completes after the reconnect (whether the client fails or keeps that SUBSCRIBE)",
            arguments: policies)
        func requestSubscribeLostToDisconnect(policy: MQTTOfflineQueuePolicy.Behavior) async throws {
            try await withMosquitto { rig in
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                var configuration = try rig.configuration("client")
                configuration.offlineQueue = MQTTOfflineQueuePolicy(behavior: policy)
                let mqtt = try await rig.client(configuration)
                let client = try RequestResponseClient(mqtt, options: .test(timeout: .seconds(5)))
                var task: Task<RequestResponseClient.Response, any Error>?
                try await Self.dropWhileSubscribing(rig, mqtt, sent: { await client.statistics.subscribesSent == 1 }) {
                    task = Task { try await client.request(service.request("lamp", token: "1")) }
                }
                let request = try #require(task)
                let response = try await withTimeout { try await request.value }
                #expect(response.topic == service.topic("lamp") + "/accepted")
                #expect(await client.statistics.requestsFailedTotal == 0)
                await client.close()
                await service.close()
            }
        }

        @Test(
            "a stream whose SUBSCRIBE is unanswered when the connection drops is ESTABLISHED after the reconnect, with no LOST or HALTED",
            arguments: policies)
        func streamSubscribeLostToDisconnect(policy: MQTTOfflineQueuePolicy.Behavior) async throws {
            try await withMosquitto { rig in
                let publisher = try await rig.client("publisher")
                var configuration = try rig.configuration("client")
                configuration.offlineQueue = MQTTOfflineQueuePolicy(behavior: policy)
                let mqtt = try await rig.client(configuration)
                let client = try RequestResponseClient(mqtt, options: .test(rr: 2, streaming: 1))
                let stream = try client.streamingOperation(.init(topicFilter: "\(rig.prefix)/events/#"))
                try await Self.dropWhileSubscribing(rig, mqtt, sent: { await client.statistics.subscribesSent == 1 }) {
                    try stream.open()
                }
                var reader = EventReader(stream)
                #expect(try await reader.status()?.type == .established)
                try await StreamingTests.publish(publisher, "\(rig.prefix)/events/x", "x")
                #expect(try await reader.publish()?.topic == "\(rig.prefix)/events/x")
                stream.close()
                await client.close()
            }
        }
    }
}
