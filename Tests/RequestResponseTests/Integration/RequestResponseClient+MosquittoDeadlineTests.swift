import MQTT5
import NIOCore
import RequestResponse
import Testing

extension RRSuite.Mosquitto {
    @Suite("RequestResponseClient deadlines over mosquitto")
    struct DeadlineTests {
        /// Timer slack allowed past a deadline. 100 ms on an idle machine; the loop's timer is
        /// precise to about a millisecond, the rest is scheduling of the awaiting task.
        static let slack: Duration = .milliseconds(100)

        @Test(
            "a request nobody answers ends with timeout within 100 ms of its deadline (operation timeout and per-request override)"
        )
        func timeout() async throws {
            try await withMosquitto { rig in
                let client = try RequestResponseClient(
                    transport: try await rig.transport("timeout"), options: .test(timeout: .milliseconds(400)))
                for (timeout, override) in [
                    (Duration.milliseconds(400), Duration?.none), (.milliseconds(250), .milliseconds(250)),
                ] {
                    let clock = ContinuousClock()
                    let start = clock.now
                    do {
                        _ = try await client.request(
                            ThingResponder.request(prefix: rig.prefix, "lamp", token: "t-\(timeout)"), timeout: override
                        )
                        Issue.record("a request nobody answers must time out")
                    } catch {
                        let elapsed = clock.now - start
                        #expect(error.rrCode == .timeout)
                        #expect(elapsed >= timeout - .milliseconds(2), "ended before its deadline: \(elapsed)")
                        #expect(elapsed < timeout + Self.slack, "ended \(elapsed - timeout) after its deadline")
                        print("timeout \(timeout): ended \(elapsed - timeout) after the deadline")
                    }
                }
                let statistics = await client.statistics
                #expect(statistics.requestsFailed[.timeout] == 2)
                // It was published (PUBACK 0x10 is not a failure) and then timed out.
                #expect(statistics.publishesSent == 2)
                #expect(statistics.requestsInFlight == 0)
                await client.close()
            }
        }

        @Test("cancelling the task ends a published request at once with cancelled; the client stays usable")
        func cancellation() async throws {
            try await withMosquitto { rig in
                let gate = Gate()
                defer { gate.open() }
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                { arrival in
                    if arrival.token == "held" { await gate.wait() }
                    return nil
                }
                let client = try RequestResponseClient(
                    transport: try await rig.transport("client"), options: .test(timeout: .seconds(10)))
                let task = Task { try await client.request(service.request("lamp", token: "held")) }
                try await waitUntil("request at the service") { service.arrivals.count == 1 }
                let clock = ContinuousClock()
                let start = clock.now
                task.cancel()
                do {
                    _ = try await withTimeout { try await task.value }
                    Issue.record("a cancelled request must fail")
                } catch {
                    #expect(error.rrCode == .cancelled)
                }
                let elapsed = clock.now - start
                #expect(elapsed < Self.slack, "cancellation took \(elapsed)")
                print("cancellation took \(elapsed)")
                #expect(await client.statistics.requestsInFlight == 0)
                // The subscription stays warm: the next request for the thing subscribes no more.
                #expect(try await client.request(service.request("lamp", token: "next")).topic.hasSuffix("/accepted"))
                #expect(await client.statistics.subscribesSent == 1)
                await client.close()
                await service.close()
            }
        }
    }
}
