import MQTT5
import NIOCore
import RequestResponse
import Testing

extension RRSuite {
    @Suite("RequestResponseClient: requests")
    struct RequestResponseClientTests {
        @Test("a request completes with the response topic, payload and MQTT 5 properties")
        func basicRequest() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            let response = try await client.request(ThingService.request(thing: "t1", token: "tok-1"))
            #expect(response.topic == "things/t1/get/accepted")
            #expect(String(buffer: response.payload).contains(#""clientToken":"tok-1""#))
            #expect(response.properties?.contentType == "application/json")
            #expect(response.properties?.userProperties == [MQTTUserProperty(name: "thing", value: "t1")])
            #expect(transport.subscribes == ["things/t1/get/+"])
            #expect(transport.publishes.map(\.topic) == ["things/t1/get"])
            let statistics = await client.statistics
            #expect(statistics.requestsCompleted == 1)
            #expect(statistics.requestResponseSubscriptions == 1)
            #expect(statistics.requestsInFlight == 0)
            await client.close()
        }

        @Test("the rejected path completes the request too; the layer does not interpret it")
        func rejectedPath() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            let response = try await client.request(ThingService.request(thing: "reject-me", token: "r1"))
            #expect(response.topic == "things/reject-me/get/rejected")
            await client.close()
        }

        @Test("never publishes before the SUBACK")
        func subAckBeforePublish() async throws {
            let transport = TestTransport()
            transport.onSubscribe { _ in .manual }
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            let request = Task { try await client.request(ThingService.request(thing: "t", token: "a")) }
            try await waitUntil("SUBSCRIBE") { transport.pendingSubscribeCount == 1 }
            try await Task.sleep(for: .milliseconds(30))
            #expect(transport.publishes.isEmpty)
            transport.completePendingSubscribes(with: .grantedQoS1)
            let response = try await request.value
            #expect(response.topic == "things/t/get/accepted")
            await client.close()
        }

        @Test("invalid options throw a clear invalidArgument error")
        func invalidOptions() {
            let transport = TestTransport()
            func expectInvalid(_ options: RequestResponseClient.Options, mentioning text: String) {
                do {
                    _ = try RequestResponseClient(transport: transport, options: options)
                    Issue.record("expected \(text) to be rejected")
                } catch {
                    #expect(error.code == .invalidArgument)
                    #expect(error.message.contains(text), "\(error.message)")
                }
            }
            expectInvalid(
                .init(maxRequestResponseSubscriptions: 1, maxStreamingSubscriptions: 0),
                mentioning: "maxRequestResponseSubscriptions")
            expectInvalid(
                .init(maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: -1),
                mentioning: "maxStreamingSubscriptions")
            expectInvalid(
                .init(maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 0, operationTimeout: .zero),
                mentioning: "operationTimeout")
            expectInvalid(
                .init(maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 0, operationTimeout: .seconds(-1)),
                mentioning: "operationTimeout")
            var options = RequestResponseClient.Options(
                maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 0)
            options.correlationDataResponseTopic = "bad/+/topic"
            expectInvalid(options, mentioning: "correlationDataResponseTopic")
            options = .init(maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 0)
            options.idleSubscriptionTimeout = .zero
            expectInvalid(options, mentioning: "idleSubscriptionTimeout")
            #expect(throws: Never.self) {
                _ = try RequestResponseClient(
                    transport: transport,
                    options: .init(maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 0)
                )
            }
        }

        @Test("invalid requests throw synchronously, before anything is sent")
        func invalidRequests() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(rr: 2))
            let good = ThingService.request(thing: "t", token: "x")
            var cases: [(String, RequestResponseClient.RequestOptions)] = []
            var request = good
            request.responsePaths = []
            cases.append(("no response paths", request))
            request = good
            request.responsePaths[0].topic = "things/+/get/accepted"
            cases.append(("wildcard response topic", request))
            request = good
            request.responsePaths[0].topic = ""
            cases.append(("empty response topic", request))
            request = good
            request.publishTopic = "things/#"
            cases.append(("invalid publish topic", request))
            request = good
            request.subscriptionTopicFilters = []
            cases.append(("no filters", request))
            request = good
            request.subscriptionTopicFilters = ["things/#/x"]
            cases.append(("invalid filter", request))
            request = good
            request.payload = ByteBuffer()
            cases.append(("empty payload", request))
            request = good
            request.subscriptionTopicFilters = ["other/+"]
            cases.append(("response topic not covered by a filter", request))
            request = good
            request.subscriptionTopicFilters = ["$share/g/things/t/get/+"]
            cases.append(("shared subscription", request))
            request = good
            request.correlationToken = ""
            cases.append(("empty token", request))
            request = good
            request.responsePaths[1].correlationTokenJSONPath = nil
            cases.append(("token without a token path", request))
            request = good
            request.responsePaths[0].correlationTokenJSONPath = "a..b"
            cases.append(("empty key in token path", request))
            for (name, options) in cases {
                do {
                    _ = try await client.request(options)
                    Issue.record("\(name): expected invalidArgument")
                } catch {
                    #expect(error.code == .invalidArgument, "\(name): \(error)")
                }
            }
            do {
                _ = try await client.request(good, timeout: .zero)
                Issue.record("zero timeout accepted")
            } catch {
                #expect(error.code == .invalidArgument)
            }
            request = good
            request.subscriptionTopicFilters = ["things/t/get/accepted", "things/t/get/rejected", "things/t/get/+"]
            do {
                _ = try await client.request(request)
                Issue.record("three filters accepted with a budget of two")
            } catch {
                #expect(error.code == .noSubscriptionCapacity)
            }
            #expect(transport.subscribes.isEmpty)
            #expect(transport.publishes.isEmpty)
            await client.close()
        }

        @Test("a request after close fails with clientShutDown")
        func requestAfterClose() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            await client.close()
            await #expect(throws: RequestResponseError.self) {
                _ = try await client.request(ThingService.request(thing: "t", token: "x"))
            }
            do {
                _ = try await client.request(ThingService.request(thing: "t", token: "x"))
            } catch {
                #expect(error.code == .clientShutDown)
            }
            #expect(transport.listenerCount == 0)
        }
    }
}
