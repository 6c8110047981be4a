import MQTT5
import NIOCore
import RequestResponse
import Testing

extension RRSuite.Mosquitto {
    @Suite("RequestResponseClient subscription budgets over mosquitto")
    struct SubscriptionTests {
        @Test("budget 2: three requests for three things all complete, the third waiting for a slot")
        func budgetTwoThreeThings() async throws {
            try await withMosquitto(logSubscriptions: true) { rig in
                let gate = Gate()
                defer { gate.open() }
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                { arrival in
                    await gate.wait()
                    return nil
                }
                let mqtt = try await rig.client("client")
                let client = try RequestResponseClient(mqtt, options: .test(rr: 2, streaming: 0, timeout: .seconds(5)))
                let tasks = ["a", "b", "c"].map { thing in
                    Task { try await client.request(service.request(thing, token: "token-\(thing)")) }
                }
                // Two are at the service (held); the third waits for a slot, not subscribed.
                try await waitUntil("two requests at the service") { service.arrivals.count == 2 }
                try await waitUntil("one request queued") { await client.statistics.queueLength == 1 }
                let waiting = await client.statistics
                #expect(waiting.subscribesSent == 2)
                #expect(waiting.requestResponseSubscriptions == 2)
                #expect(try rig.loggedSubscriptions(of: mqtt).count == 2)
                let heldThings = Set(service.arrivals.map(\.thing))
                gate.open()
                var topics: [String] = []
                for task in tasks { topics.append(try await withTimeout { try await task.value.topic }) }
                #expect(topics == ["a", "b", "c"].map { service.topic($0) + "/accepted" })
                let last = try #require(Set(["a", "b", "c"]).subtracting(heldThings).first)
                #expect(service.arrivals.last?.thing == last)
                let statistics = await client.statistics
                #expect(statistics.subscribesSent == 3)
                #expect(statistics.unsubscribesSent == 1)  // one warm subscription evicted for the third thing
                #expect(statistics.requestResponseSubscriptions <= 2)
                #expect(try rig.loggedSubscriptions(of: mqtt).count == 3)
                await client.close()
                await service.close()
            }
        }

        @Test(
            "warm reuse: 1000 sequential requests on one thing cost one SUBSCRIBE, counted by the client and by mosquitto"
        )
        func warmReuse() async throws {
            try await withMosquitto(logSubscriptions: true) { rig in
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                let mqtt = try await rig.client("client")
                let client = try RequestResponseClient(mqtt, options: .test(rr: 2, streaming: 0, timeout: .seconds(5)))
                let clock = ContinuousClock()
                let start = clock.now
                for index in 0..<1000 {
                    _ = try await client.request(service.request("warm", token: "w\(index)"))
                }
                let elapsed = clock.now - start
                let statistics = await client.statistics
                #expect(statistics.requestsCompleted == 1000)
                #expect(statistics.publishesSent == 1000)
                #expect(statistics.subscribesSent == 1)
                #expect(statistics.unsubscribesSent == 0)
                #expect(try rig.loggedSubscriptions(of: mqtt) == [service.topic("warm") + "/+"])
                #expect(service.arrivals.count == 1000)
                print("1000 sequential requests over mosquitto: \(elapsed) (\(elapsed / 1000) each)")
                await client.close()
                await service.close()
            }
        }

        @Test("a request blocked on the budget does not stall a request on an already-subscribed filter")
        func blockedDoesNotStall() async throws {
            try await withMosquitto { rig in
                let gate = Gate()
                defer { gate.open() }
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                { arrival in
                    if arrival.token?.hasPrefix("hold") == true { await gate.wait() }
                    return nil
                }
                let client = try RequestResponseClient(
                    transport: try await rig.transport("client"),
                    options: .test(rr: 2, streaming: 0, timeout: .seconds(5)))
                let held = ["a", "b"].map { thing in
                    Task { try await client.request(service.request(thing, token: "hold-\(thing)")) }
                }
                try await waitUntil("both held at the service") { service.arrivals.count == 2 }
                let blocked = Task { try await client.request(service.request("c", token: "blocked")) }
                try await waitUntil("c queued") { await client.statistics.queueLength == 1 }
                // Thing a is subscribed (in use by a held request): a new request on it goes ahead.
                let response = try await withTimeout { try await client.request(service.request("a", token: "go")) }
                #expect(response.topic == service.topic("a") + "/accepted")
                #expect(await client.statistics.queueLength == 1)
                #expect(!service.arrivals.contains { $0.thing == "c" })
                gate.open()
                for task in held + [blocked] { _ = try await withTimeout { try await task.value } }
                #expect(service.arrivals.last?.thing == "c")
                await client.close()
                await service.close()
            }
        }
    }
}
