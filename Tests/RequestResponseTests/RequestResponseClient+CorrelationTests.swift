import MQTT5
import NIOCore
import RequestResponse
import Testing

extension RRSuite {
    @Suite("RequestResponseClient: correlation")
    struct RequestResponseClientCorrelationTests {
        private func response(_ thing: String, _ body: String, rejected: Bool = false) -> RequestResponsePublish {
            RequestResponsePublish(
                topic: rejected ? ThingService.rejected(thing) : ThingService.accepted(thing),
                payload: ByteBuffer(string: body)
            )
        }

        @Test(
            "responses that are not JSON, lack the token, have a non-string token or a foreign token are ignored and counted"
        )
        func ignoredResponses() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(timeout: .seconds(5)))
            let task = Task { try await client.request(ThingService.request(thing: "t", token: "mine")) }
            try await waitUntil("published") { transport.publishes.count == 1 }
            transport.inject(response("t", "not json at all"))
            transport.inject(response("t", #"{"clientToken":"mine""#))  // truncated: not JSON
            transport.inject(response("t", #"{"state":{}}"#))
            transport.inject(response("t", #"{"clientToken":42}"#))
            transport.inject(response("t", #"{"clientToken":null}"#))
            transport.inject(response("t", #"{"clientToken":"someone-else"}"#, rejected: true))
            transport.inject(response("t", #"{"nested":{"clientToken":"mine"}}"#))
            try await waitUntil("seven ignored") { await client.statistics.responsesIgnored == 7 }
            let statistics = await client.statistics
            #expect(statistics.responsesNotJSON == 2)
            #expect(statistics.responsesWithoutToken == 4)
            #expect(statistics.responsesUnmatched == 1)
            transport.inject(response("t", #"{"version":2,"clientToken":"mine"}"#, rejected: true))
            let result = try await task.value
            #expect(result.topic == "things/t/get/rejected")
            // A late duplicate after completion is ignored too (the subscription is still warm).
            transport.inject(response("t", #"{"clientToken":"mine"}"#))
            try await waitUntil("late duplicate ignored") { await client.statistics.responsesUnmatched == 2 }
            await client.close()
        }

        @Test("the token is found at a nested JSON path with escapes")
        func nestedTokenPath() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let token = #"a"b\c"#
            let request = ThingService.request(thing: "n", token: token, path: "meta.request.token")
            let task = Task { try await client.request(request) }
            try await waitUntil("published") { transport.publishes.count == 1 }
            transport.inject(response("n", #"{"meta":{"x":[1,{"token":"no"}],"request":{"token":"a\"b\\c"}}}"#))
            #expect(try await task.value.topic == "things/n/get/accepted")
            await client.close()
        }

        @Test("each response path finds the token at its own JSON path, and reports which path matched")
        func tokenPathPerResponsePath() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            func request(_ token: String) -> RequestResponseClient.RequestOptions {
                var request = ThingService.request(thing: "p", token: token)
                request.responsePaths = [
                    .init(topic: ThingService.accepted("p"), correlationTokenJSONPath: "clientToken"),
                    .init(topic: ThingService.rejected("p"), correlationTokenJSONPath: "error.clientToken"),
                    .init(topic: ThingService.accepted("p"), correlationTokenJSONPath: "meta.token"),
                ]
                return request
            }
            let first = Task { try await client.request(request("one")) }
            let second = Task { try await client.request(request("two")) }
            let third = Task { try await client.request(request("three")) }
            try await waitUntil("published") { transport.publishes.count == 3 }
            // On the rejected topic only `error.clientToken` counts: a top-level token is ignored.
            transport.inject(response("p", #"{"clientToken":"one"}"#, rejected: true))
            try await waitUntil("ignored") { await client.statistics.responsesIgnored == 1 }
            transport.inject(response("p", #"{"error":{"clientToken":"one"}}"#, rejected: true))
            transport.inject(response("p", #"{"meta":{"token":"two"}}"#))
            transport.inject(response("p", #"{"clientToken":"three"}"#))
            let one = try await first.value
            #expect(one.topic == ThingService.rejected("p"))
            #expect(one.responsePathIndex == 1)
            #expect(try await second.value.responsePathIndex == 2)
            #expect(try await third.value.responsePathIndex == 0)
            await client.close()
        }

        @Test("a response that arrives before the PUBACK completes the request")
        func responseBeforePubAck() async throws {
            let transport = TestTransport()
            transport.onPublish { _ in .manual }
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            let response = try await client.request(ThingService.request(thing: "quick", token: "q"))
            #expect(response.topic == "things/quick/get/accepted")
            transport.completePendingPublishes(with: .success)
            await client.close()
        }

        @Test("a response with the right token that arrives before the request was published is ignored")
        func responseBeforePublishIgnored() async throws {
            let transport = TestTransport()
            transport.onSubscribe { filter in filter == "things/slow/get/+" ? .manual : .reply(.grantedQoS1) }
            let client = try RequestResponseClient(transport: transport, options: .test())
            // Subscribe "things/slow/get/+" via a stream-free trick: the request waits for its SUBACK.
            let task = Task { try await client.request(ThingService.request(thing: "slow", token: "early")) }
            try await waitUntil("SUBSCRIBE pending") { transport.pendingSubscribeCount == 1 }
            transport.inject(response("slow", #"{"clientToken":"early"}"#), force: true)
            try await waitUntil("ignored") { await client.statistics.responsesUnmatched == 1 }
            transport.completePendingSubscribes(with: .grantedQoS1)
            try await waitUntil("published") { transport.publishes.count == 1 }
            transport.inject(response("slow", #"{"clientToken":"early"}"#))
            #expect(try await task.value.topic == "things/slow/get/accepted")
            await client.close()
        }

        @Test("requests with the same token in flight run one after another and all succeed")
        func duplicateTokensSerialised() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let tasks = (0..<3).map { _ in
                Task { try await client.request(ThingService.request(thing: "d", token: "dup")) }
            }
            try await waitUntil("first published") { transport.publishes.count == 1 }
            try await Task.sleep(for: .milliseconds(20))
            #expect(transport.publishes.count == 1)
            #expect(await client.statistics.queueLength == 2)
            for expected in 1...3 {
                try await waitUntil("publish \(expected)") { transport.publishes.count == expected }
                transport.inject(response("d", #"{"clientToken":"dup","n":\#(expected)}"#))
                try await waitUntil("completed \(expected)") { await client.statistics.requestsCompleted == expected }
            }
            var bodies: [String] = []
            for task in tasks { bodies.append(String(buffer: try await task.value.payload)) }
            #expect(
                Set(bodies) == [
                    #"{"clientToken":"dup","n":1}"#, #"{"clientToken":"dup","n":2}"#, #"{"clientToken":"dup","n":3}"#,
                ])
            await client.close()
        }

        @Test("token-less requests run one at a time client-wide, even on different topics")
        func tokenlessSerialised() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let first = Task { try await client.request(ThingService.request(thing: "p1", token: nil)) }
            try await waitUntil("first published") { transport.publishes.count == 1 }
            let second = Task { try await client.request(ThingService.request(thing: "p2", token: nil)) }
            try await Task.sleep(for: .milliseconds(20))
            #expect(transport.publishes.count == 1)
            // A token-less response is matched by topic alone.
            transport.inject(response("p1", "{}"))
            #expect(try await first.value.topic == "things/p1/get/accepted")
            try await waitUntil("second published") { transport.publishes.count == 2 }
            transport.inject(response("p2", #"{"anything":1}"#, rejected: true))
            #expect(try await second.value.topic == "things/p2/get/rejected")
            // A request with a token is not held up by token-less ones.
            transport.service(ThingService.respond)
            _ = try await client.request(ThingService.request(thing: "p3", token: "has-token"))
            await client.close()
        }

        @Test("MQTT 5 correlation-data mode: one response topic, fresh correlation data per request")
        func correlationDataMode() async throws {
            let transport = TestTransport()
            // The "service" echoes the payload to the response topic with the same correlation data.
            transport.service { published in
                guard published.topic == "rpc/echo", let topic = published.properties.responseTopic else { return [] }
                var properties = MQTTProperties()
                properties.correlationData = published.properties.correlationData
                return [RequestResponsePublish(topic: topic, payload: published.payload, properties: properties)]
            }
            let client = try RequestResponseClient(transport: transport, options: .test())
            let responses = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let response = try await client.request(
                            .correlationData(publishTopic: "rpc/echo", payload: ByteBuffer(string: "m\(index)")))
                        return String(buffer: response.payload)
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(responses == Set((0..<50).map { "m\($0)" }))
            #expect(transport.subscribes == [client.correlationDataResponseTopic])
            let correlations = Set(transport.publishes.compactMap(\.properties.correlationData))
            #expect(correlations.count == 50)
            #expect(
                transport.publishes.allSatisfy { $0.properties.responseTopic == client.correlationDataResponseTopic })
            // A response without or with unknown correlation data is ignored.
            transport.inject(
                RequestResponsePublish(topic: client.correlationDataResponseTopic, payload: ByteBuffer(string: "x")))
            var unknown = MQTTProperties()
            unknown.correlationData = ByteBuffer(string: "nobody")
            transport.inject(
                RequestResponsePublish(
                    topic: client.correlationDataResponseTopic, payload: ByteBuffer(string: "x"), properties: unknown))
            try await waitUntil("two ignored") { await client.statistics.responsesIgnored == 2 }
            await client.close()
        }

        @Test(
            "correlation-data mode over MQTT 3.1.1 fails with invalidArgument; RequestResponseClient.Response.properties is nil on 3.1.1"
        )
        func correlationDataNeedsMQTT5() async throws {
            let transport = TestTransport()
            transport.setSupportsProperties(false)
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            do {
                _ = try await client.request(
                    .correlationData(publishTopic: "rpc/echo", payload: ByteBuffer(string: "x")))
                Issue.record("expected invalidArgument")
            } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("MQTT 5"))
            }
            let response = try await client.request(ThingService.request(thing: "v311", token: "1"))
            #expect(response.properties == nil)
            await client.close()
        }

        @Test("a publish on a response topic also reaches a stream on that topic")
        func publishCompletesRequestAndStream() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            let stream = try client.streamingOperation(.init(topicFilter: "things/+/get/accepted"))
            try stream.open()
            var iterator = stream.makeAsyncIterator()
            guard case .subscriptionStatus(let established) = await iterator.next() else {
                Issue.record("expected established")
                return
            }
            #expect(established.type == .established)
            _ = try await client.request(ThingService.request(thing: "both", token: "b"))
            guard case .publish(let publish) = await iterator.next() else {
                Issue.record("expected the response on the stream")
                return
            }
            #expect(publish.topic == "things/both/get/accepted")
            stream.close()
            await client.close()
        }
    }
}
