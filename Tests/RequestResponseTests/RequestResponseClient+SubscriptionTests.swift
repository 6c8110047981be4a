import MQTT5
import NIOCore
import RequestResponse
import Synchronization
import Testing

extension RRSuite {
    @Suite("RequestResponseClient: subscription budget, warm reuse, fairness")
    struct RequestResponseClientSubscriptionTests {
        @Test("budget 2: three requests for three different things all complete; the third waits for a slot")
        func budgetTwoThreeThings() async throws {
            let transport = TestTransport()
            let service = GatedThingService()
            service.install(on: transport)
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 2))
            async let a = client.request(ThingService.request(thing: "a", token: "1"))
            async let b = client.request(ThingService.request(thing: "b", token: "2"))
            try await waitUntil("two publishes") { transport.publishes.count == 2 }
            async let c = client.request(ThingService.request(thing: "c", token: "3"))
            try await waitUntil("third queued") { await client.statistics.queueLength == 1 }
            #expect(transport.subscribes.count == 2)
            #expect(transport.publishes.count == 2)
            for thing in ["a", "b", "c"] { service.open(thing, on: transport) }
            let responses = try await [a, b, c]
            #expect(
                responses.map(\.topic) == ["things/a/get/accepted", "things/b/get/accepted", "things/c/get/accepted"])
            #expect(transport.subscribes.count == 3)
            #expect(transport.unsubscribes.count == 1)  // one warm subscription evicted for the third thing
            let statistics = await client.statistics
            #expect(statistics.requestResponseSubscriptions == 2)
            await client.close()
        }

        @Test("warm reuse: 1000 sequential requests on one thing cause exactly one SUBSCRIBE")
        func warmReuse() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 2))
            for index in 0..<1000 {
                _ = try await client.request(ThingService.request(thing: "warm", token: "t\(index)"))
            }
            #expect(transport.subscribes == ["things/warm/get/+"])
            #expect(transport.unsubscribes.isEmpty)
            let statistics = await client.statistics
            #expect(statistics.subscribesSent == 1)
            #expect(statistics.requestsCompleted == 1000)
            #expect(statistics.publishesSent == 1000)
            await client.close()
        }

        @Test("an idle warm subscription is unsubscribed after the idle timeout")
        func idleEviction() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            var options = RequestResponseClient.Options.test(rr: 4)
            options.idleSubscriptionTimeout = .milliseconds(250)
            let client = try RequestResponseClient(transport: transport, options: options)
            _ = try await client.request(ThingService.request(thing: "idle", token: "1"))
            try await waitUntil("idle UNSUBSCRIBE", timeout: .seconds(3)) {
                transport.unsubscribes == ["things/idle/get/+"]
            }
            // Not before the idle timeout: the subscription was in use until after the PUBLISH.
            let log = transport.log
            let published = try #require(log.first { $0.kind == "PUBLISH" }?.at)
            let unsubscribed = try #require(log.first { $0.kind == "UNSUBSCRIBE" }?.at)
            #expect(unsubscribed - published >= .milliseconds(250))
            try await waitUntil("record removed") { await client.statistics.requestResponseSubscriptions == 0 }
            await client.close()
        }

        @Test("the least recently used warm subscription is evicted when a slot is needed")
        func lruEviction() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 2))
            _ = try await client.request(ThingService.request(thing: "old", token: "1"))
            _ = try await client.request(ThingService.request(thing: "recent", token: "2"))
            _ = try await client.request(ThingService.request(thing: "old", token: "3"))  // old is now the most recent
            _ = try await client.request(ThingService.request(thing: "new", token: "4"))
            #expect(transport.unsubscribes == ["things/recent/get/+"])
            await client.close()
        }

        @Test("a blocked request does not stall a request on an already-subscribed filter")
        func noHeadOfLineBlocking() async throws {
            let transport = TestTransport()
            let service = GatedThingService()
            service.install(on: transport)
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 2, timeout: .seconds(3)))
            // Both slots busy with requests that get no response yet.
            async let aBusy = client.request(ThingService.request(thing: "a", token: "busy"))
            async let bBusy = client.request(ThingService.request(thing: "b", token: "busy-b"))
            try await waitUntil("a and b published") { transport.publishes.count == 2 }
            // "c" needs a third slot: it waits.
            async let c = client.request(ThingService.request(thing: "c", token: "blocked"))
            try await waitUntil("c blocked") { await client.statistics.queueLength == 1 }
            // A request on the subscribed filter of "a" goes straight past the blocked "c".
            let clock = ContinuousClock()
            let start = clock.now
            async let fast = client.request(ThingService.request(thing: "a", token: "fast"))
            try await waitUntil("fast published") { transport.publishes.count == 3 }
            transport.inject(
                RequestResponsePublish(
                    topic: "things/a/get/accepted", payload: ByteBuffer(string: #"{"clientToken":"fast"}"#)))
            let response = try await fast
            #expect(response.topic == "things/a/get/accepted")
            #expect(clock.now - start < .milliseconds(300))
            #expect(await client.statistics.queueLength == 1)
            #expect(!transport.publishes.contains { $0.topic == "things/c/get" })
            service.open("a", on: transport)
            service.open("b", on: transport)
            service.open("c", on: transport)
            let all = try await [aBusy, bBusy, c]
            #expect(all.count == 3)
            await client.close()
        }

        @Test("fairness: a request waiting for capacity is not starved by later ones")
        func fairness() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 2, timeout: .seconds(5)))
            // Responses come only when the test says so, in a loop that keeps "x" and "y" busy.
            let release = Mutex<Bool>(false)
            transport.service { published in
                release.withLock { $0 } ? ThingService.respond(published) : []
            }
            async let x: RequestResponseClient.Response = client.request(ThingService.request(thing: "x", token: "x0"))
            async let y: RequestResponseClient.Response = client.request(ThingService.request(thing: "y", token: "y0"))
            try await waitUntil("x and y published") { transport.publishes.count == 2 }
            // "starved" arrives while both slots are busy and must get the next free slot, even
            // though requests for "x" and "y" keep coming.
            let starved = Task { try await client.request(ThingService.request(thing: "starved", token: "s")) }
            try await waitUntil("starved queued") { await client.statistics.queueLength == 1 }
            release.withLock { $0 = true }
            transport.inject(
                ThingService.respond(
                    .init(
                        topic: "things/x/get", payload: ByteBuffer(string: #"{"clientToken":"x0"}"#),
                        properties: .init()))[0])
            transport.inject(
                ThingService.respond(
                    .init(
                        topic: "things/y/get", payload: ByteBuffer(string: #"{"clientToken":"y0"}"#),
                        properties: .init()))[0])
            _ = try await (x, y)
            // Meanwhile a flood of new requests for a fourth thing competes for the same slot.
            async let flood: [RequestResponseClient.Response] = withThrowingTaskGroup(
                of: RequestResponseClient.Response.self
            ) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.request(ThingService.request(thing: "z\(index % 3)", token: "f\(index)"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let response = try await starved.value
            #expect(response.topic == "things/starved/get/accepted")
            #expect(try await flood.count == 20)
            await client.close()
        }

        @Test("a request already subscribed to some of its filters waits only for the pending ones")
        func partialSubscription() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 3))
            // Warm "things/p/get/accepted" alone.
            let acceptedOnly = RequestResponseClient.RequestOptions(
                subscriptionTopicFilters: ["things/p/get/accepted"],
                responsePaths: [
                    RequestResponseClient.ResponsePath(
                        topic: "things/p/get/accepted", correlationTokenJSONPath: "clientToken")
                ],
                publishTopic: "things/p/get", payload: ByteBuffer(string: #"{"clientToken":"1"}"#),
                correlationToken: "1"
            )
            _ = try await client.request(acceptedOnly)
            // Now a request on accepted + rejected: only "rejected" is subscribed, and its SUBACK is held.
            transport.onSubscribe { _ in .manual }
            let both = RequestResponseClient.RequestOptions(
                subscriptionTopicFilters: ["things/p/get/accepted", "things/p/get/rejected"],
                responsePaths: [
                    RequestResponseClient.ResponsePath(
                        topic: "things/p/get/accepted", correlationTokenJSONPath: "clientToken"),
                    RequestResponseClient.ResponsePath(
                        topic: "things/p/get/rejected", correlationTokenJSONPath: "clientToken"),
                ],
                publishTopic: "things/p/get", payload: ByteBuffer(string: #"{"clientToken":"2"}"#),
                correlationToken: "2"
            )
            let task = Task { try await client.request(both) }
            try await waitUntil("SUBSCRIBE rejected") { transport.pendingSubscribeCount == 1 }
            #expect(transport.subscribes == ["things/p/get/accepted", "things/p/get/rejected"])
            #expect(transport.publishes.count == 1)
            transport.completePendingSubscribes(with: .grantedQoS1)
            let response = try await task.value
            #expect(response.topic == "things/p/get/accepted")
            await client.close()
        }

        @Test("a SUBACK error fails the request with subscribeFailure and the reason code; not retried")
        func subscribeFailure() async throws {
            let transport = TestTransport()
            transport.onSubscribe { _ in .reply(.notAuthorized) }
            let client = try RequestResponseClient(transport: transport, options: .test())
            do {
                _ = try await client.request(ThingService.request(thing: "denied", token: "1"))
                Issue.record("expected a subscribe failure")
            } catch {
                #expect(error.code == .subscribeFailure)
                #expect(error.reasonCode == .subAck(.notAuthorized))
                #expect(error.message.contains("things/denied/get/+"))
            }
            #expect(transport.subscribes.count == 1)
            #expect(transport.publishes.isEmpty)
            #expect(await client.statistics.requestResponseSubscriptions == 0)
            // The next request tries again (the failure is not remembered for requests).
            transport.onSubscribe { _ in .reply(.grantedQoS1) }
            transport.service(ThingService.respond)
            _ = try await client.request(ThingService.request(thing: "denied", token: "2"))
            await client.close()
        }

        @Test("a PUBACK error fails the request with publishFailure and the reason code")
        func publishFailure() async throws {
            let transport = TestTransport()
            transport.onPublish { _ in .reply(.notAuthorized) }
            let client = try RequestResponseClient(transport: transport, options: .test())
            do {
                _ = try await client.request(ThingService.request(thing: "t", token: "1"))
                Issue.record("expected a publish failure")
            } catch {
                #expect(error.code == .publishFailure)
                #expect(error.reasonCode == .pubAck(.notAuthorized))
            }
            transport.onPublish { _ in .fail(TestTransport.TransportError(reason: "boom")) }
            do {
                _ = try await client.request(ThingService.request(thing: "t", token: "2"))
                Issue.record("expected a publish failure")
            } catch {
                #expect(error.code == .publishFailure)
                #expect(error.cause as? TestTransport.TransportError == TestTransport.TransportError(reason: "boom"))
            }
            await client.close()
        }

        @Test("a SUBACK that never comes is bounded by the operation timeout")
        func subAckTimeout() async throws {
            let transport = TestTransport()
            transport.onSubscribe { _ in .never }
            let client = try RequestResponseClient(transport: transport, options: .test(timeout: .milliseconds(150)))
            do {
                _ = try await client.request(ThingService.request(thing: "t", token: "1"))
                Issue.record("expected a failure")
            } catch {
                #expect(error.code == .timeout || error.code == .subscribeFailure)
            }
            try await waitUntil("record dropped") { await client.statistics.requestResponseSubscriptions == 0 }
            await client.close()
        }
    }
}
