import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Testing

extension RRSuite.Mosquitto {
    @Suite("RequestResponseClient across broker restarts")
    struct ConnectionTests {
        @Test("broker restart, client without session: the published request fails with sessionLost, one submitted while offline waits and completes")
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
                let service = try await ThingResponder.start(on: MQTTClientTransport(serviceClient), prefix: rig.prefix) { arrival in
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
    }
}
