import MQTT5
import NIOCore
import RequestResponse
import Testing

extension RRSuite {
    @Suite("RequestResponseClient: deadlines and cancellation")
    struct RequestResponseClientDeadlineTests {
        @Test("a request without a response times out within 100 ms of its deadline")
        func timeoutPrecision() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(timeout: .milliseconds(300)))
            let clock = ContinuousClock()
            let start = clock.now
            do {
                _ = try await client.request(ThingService.request(thing: "silent", token: "x"))
                Issue.record("expected a timeout")
            } catch {
                #expect(error.code == .timeout)
                #expect(error.message.contains("waiting for the response"), "\(error.message)")
            }
            let elapsed = clock.now - start
            #expect(elapsed >= .milliseconds(300))
            #expect(elapsed < .milliseconds(400), "took \(elapsed)")
            let statistics = await client.statistics
            #expect(statistics.requestsFailed[.timeout] == 1)
            await client.close()
        }

        @Test("the per-request timeout overrides the default")
        func timeoutOverride() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(timeout: .seconds(30)))
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: RequestResponseError.self) {
                _ = try await client.request(
                    ThingService.request(thing: "silent", token: "x"), timeout: .milliseconds(100))
            }
            #expect(clock.now - start < .seconds(2))
            await client.close()
        }

        @Test("time spent queued counts against the deadline")
        func queuedTimeCounts() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 2, timeout: .seconds(5)))
            // The first request holds the token for 250 ms (no response comes); the second, with the
            // same token, waits behind it and then has only what is left of its 300 ms.
            let clock = ContinuousClock()
            let start = clock.now
            async let first: RequestResponseClient.Response = client.request(
                ThingService.request(thing: "a", token: "same"), timeout: .milliseconds(250))
            try await waitUntil("first publish") { transport.publishes.count == 1 }
            async let second: RequestResponseClient.Response = client.request(
                ThingService.request(thing: "a", token: "same"), timeout: .milliseconds(300))
            do {
                _ = try await first
                Issue.record("first should time out")
            } catch { #expect(error.rrCode == .timeout) }
            do {
                _ = try await second
                Issue.record("second should time out")
            } catch {
                #expect(error.rrCode == .timeout)
            }
            let elapsed = clock.now - start
            #expect(
                elapsed < .milliseconds(450), "the second request's deadline did not count its queueing: \(elapsed)")
            await client.close()
        }

        @Test("cancelling the task ends the request at once and releases its subscription")
        func cancellation() async throws {
            let transport = TestTransport()
            transport.onSubscribe { _ in .manual }
            var options = RequestResponseClient.Options.test(rr: 2, timeout: .seconds(30))
            options.idleSubscriptionTimeout = nil
            let client = try RequestResponseClient(transport: transport, options: options)
            let task = Task { try await client.request(ThingService.request(thing: "a", token: "c1")) }
            try await waitUntil("SUBSCRIBE") { transport.pendingSubscribeCount == 1 }
            let clock = ContinuousClock()
            let start = clock.now
            task.cancel()
            do {
                _ = try await task.value
                Issue.record("expected cancellation")
            } catch let error as RequestResponseError {
                #expect(error.code == .cancelled)
            }
            #expect(clock.now - start < .milliseconds(100))
            transport.completePendingSubscribes(with: .grantedQoS1)
            // Nothing holds the subscription any more: two other things can use both slots.
            transport.onSubscribe { _ in .reply(.grantedQoS1) }
            transport.service(ThingService.respond)
            async let b = client.request(ThingService.request(thing: "b", token: "1"))
            async let c = client.request(ThingService.request(thing: "c", token: "2"))
            _ = try await (b, c)
            let statistics = await client.statistics
            #expect(statistics.requestsFailed[.cancelled] == 1)
            #expect(statistics.requestsInFlight == 0)
            await client.close()
        }

        @Test("a request in an already cancelled task fails with cancelled without sending anything")
        func alreadyCancelled() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.request(ThingService.request(thing: "a", token: "x"))
            }
            do {
                _ = try await task.value
                Issue.record("expected cancellation")
            } catch let error as RequestResponseError {
                #expect(error.code == .cancelled)
            }
            #expect(transport.publishes.isEmpty)
            await client.close()
        }

        @Test("many concurrent timeouts share one timer and all fire")
        func manyTimeouts() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 2, timeout: .seconds(10)))
            let codes = await withTaskGroup(of: RequestResponseError.Code?.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        do {
                            _ = try await client.request(
                                ThingService.request(thing: "t", token: "tok-\(index)"),
                                timeout: .milliseconds(50 + (index % 10) * 10)
                            )
                            return nil
                        } catch {
                            return error.rrCode
                        }
                    }
                }
                var codes: [RequestResponseError.Code?] = []
                for await code in group { codes.append(code) }
                return codes
            }
            #expect(codes.count == 200)
            #expect(codes.allSatisfy { $0 == .timeout })
            #expect(transport.subscribes.count == 1)
            await client.close()
        }
    }
}
