import MQTT5
import NIOCore
import RequestResponse
import Testing

extension RRSuite {
    @Suite("RequestResponseClient: disconnect, reconnect, shutdown")
    struct RequestResponseClientConnectionTests {
        @Test("a disconnect fails nothing: a request submitted offline publishes when the connection is back")
        func offlineRequestWaits() async throws {
            let transport = TestTransport(connected: false)
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            let task = Task { try await client.request(ThingService.request(thing: "off", token: "1")) }
            try await waitUntil("queued") { await client.statistics.requestsInFlight == 1 }
            try await Task.sleep(for: .milliseconds(20))
            #expect(transport.subscribes.isEmpty)
            #expect(transport.publishes.isEmpty)
            transport.connect(sessionPresent: false)
            #expect(try await task.value.topic == "things/off/get/accepted")
            await client.close()
        }

        @Test("subscribed but offline: the publish waits for the connection")
        func publishWaitsForConnection() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            _ = try await client.request(ThingService.request(thing: "w", token: "warm"))
            transport.disconnect()
            try await Task.sleep(for: .milliseconds(10))
            let task = Task { try await client.request(ThingService.request(thing: "w", token: "later")) }
            try await Task.sleep(for: .milliseconds(30))
            #expect(transport.publishes.count == 1)
            transport.connect(sessionPresent: true)
            #expect(try await task.value.topic == "things/w/get/accepted")
            #expect(transport.subscribes.count == 1)  // session resumed: no resubscribe
            await client.close()
        }

        @Test(
            "reconnect without session: a published request fails with sessionLost; an unpublished one resubscribes and completes"
        )
        func sessionLost() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(timeout: .seconds(5)))
            let published = Task { try await client.request(ThingService.request(thing: "s", token: "published")) }
            try await waitUntil("published") { transport.publishes.count == 1 }
            transport.disconnect()
            try await Task.sleep(for: .milliseconds(10))
            // Same thing, different token, submitted while offline: subscribed but not yet published.
            let waiting = Task { try await client.request(ThingService.request(thing: "s", token: "waiting")) }
            try await waitUntil("second in flight") { await client.statistics.requestsInFlight == 2 }
            transport.service(ThingService.respond)
            transport.connect(sessionPresent: false)
            do {
                _ = try await published.value
                Issue.record("expected sessionLost")
            } catch let error as RequestResponseError {
                #expect(error.code == .sessionLost)
                #expect(error.message.contains("things/s/get/+"))
            }
            #expect(try await waiting.value.topic == "things/s/get/accepted")
            #expect(transport.subscribes == ["things/s/get/+", "things/s/get/+"])
            // The resubscription preceded the second publish.
            await client.close()
        }

        @Test("reconnect without session drops unused warm subscriptions instead of renewing them")
        func sessionLostDropsWarm() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            _ = try await client.request(ThingService.request(thing: "cold", token: "1"))
            #expect(await client.statistics.requestResponseSubscriptions == 1)
            transport.disconnect()
            transport.connect(sessionPresent: false)
            try await waitUntil("dropped") { await client.statistics.requestResponseSubscriptions == 0 }
            #expect(transport.subscribes.count == 1)
            _ = try await client.request(ThingService.request(thing: "cold", token: "2"))
            #expect(transport.subscribes.count == 2)
            await client.close()
        }

        @Test("a SUBSCRIBE lost to a disconnect is sent again on reconnect; the request completes")
        func subscribeLostToDisconnect() async throws {
            let transport = TestTransport()
            transport.onSubscribe { _ in .manual }
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test(timeout: .seconds(5)))
            let task = Task { try await client.request(ThingService.request(thing: "r", token: "1")) }
            try await waitUntil("SUBSCRIBE") { transport.pendingSubscribeCount == 1 }
            transport.disconnect()  // fails the pending SUBSCRIBE with a transport error
            try await Task.sleep(for: .milliseconds(20))
            transport.onSubscribe { _ in .reply(.grantedQoS1) }
            transport.connect(sessionPresent: true)
            #expect(try await task.value.topic == "things/r/get/accepted")
            #expect(transport.subscribes.count == 2)
            await client.close()
        }

        @Test("a PUBLISH lost to a disconnect is published again on reconnect; the request completes")
        func publishLostToDisconnect() async throws {
            let transport = TestTransport()
            transport.onPublish { _ in .manual }
            let client = try RequestResponseClient(transport: transport, options: .test(timeout: .seconds(5)))
            let task = Task { try await client.request(ThingService.request(thing: "p", token: "1")) }
            try await waitUntil("published") { transport.publishes.count == 1 }
            transport.disconnect()  // fails the pending PUBLISH
            try await Task.sleep(for: .milliseconds(20))
            transport.onPublish { _ in .reply(.success) }
            transport.service(ThingService.respond)
            transport.connect(sessionPresent: true)
            #expect(try await task.value.topic == "things/p/get/accepted")
            #expect(transport.publishes.count == 2)
            #expect(transport.subscribes.count == 1)
            await client.close()
        }

        @Test("close fails pending requests with clientShutDown, halts streams and unsubscribes everything")
        func shutdown() async throws {
            let transport = TestTransport()
            transport.service { published in
                published.topic.hasPrefix("things/warm/") ? ThingService.respond(published) : []
            }
            let client = try RequestResponseClient(transport: transport, options: .test())
            _ = try await client.request(ThingService.request(thing: "warm", token: "1"))
            let pending = Task { try await client.request(ThingService.request(thing: "pending", token: "2")) }
            let stream = try client.streamingOperation(.init(topicFilter: "events/#"))
            try stream.open()
            var iterator = stream.makeAsyncIterator()
            guard case .subscriptionStatus(let established) = await iterator.next(), established.type == .established
            else {
                Issue.record("expected established")
                return
            }
            try await waitUntil("pending published") { transport.publishes.count == 2 }
            await client.close()
            do {
                _ = try await pending.value
                Issue.record("expected clientShutDown")
            } catch let error as RequestResponseError {
                #expect(error.code == .clientShutDown)
            }
            guard case .subscriptionStatus(let halted) = await iterator.next() else {
                Issue.record("expected halted")
                return
            }
            #expect(halted.type == .halted)
            #expect(halted.error?.code == .clientShutDown)
            let end = await iterator.next()
            #expect(end == nil)
            #expect(Set(transport.unsubscribes) == ["things/warm/get/+", "things/pending/get/+", "events/#"])
            #expect(transport.listenerCount == 0)
            #expect(throws: RequestResponseError.self) { try client.streamingOperation(.init(topicFilter: "x")) }
            await client.close()  // idempotent
        }

        @Test("close is bounded when UNSUBACKs never come")
        func shutdownBounded() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            transport.onUnsubscribe { _ in .never }
            let client = try RequestResponseClient(transport: transport, options: .test(timeout: .milliseconds(100)))
            _ = try await client.request(ThingService.request(thing: "u", token: "1"))
            let clock = ContinuousClock()
            let start = clock.now
            await client.close()
            #expect(clock.now - start < .seconds(1))
            transport.disconnect()
        }

        @Test("releasing the client without close shuts it down and detaches from the transport")
        func releaseWithoutClose() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            do {
                let client = try RequestResponseClient(transport: transport, options: .test())
                _ = try await client.request(ThingService.request(thing: "gone", token: "1"))
            }
            try await waitUntil("listener removed") { transport.listenerCount == 0 }
            try await waitUntil("unsubscribed") { transport.unsubscribes == ["things/gone/get/+"] }
        }
    }
}
