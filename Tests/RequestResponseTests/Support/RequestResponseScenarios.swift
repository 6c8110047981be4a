import Foundation
import MQTT5
import NIOCore
import RequestResponse
import Testing

/// End-to-end scenarios that use only public API (a ``RequestResponder`` as the service,
/// statistics instead of transport recordings), so they run over any pair of transports: the
/// in-memory ``LoopbackBroker`` here, and two MQTT clients on a real broker once the
/// ``RequestResponseTransport`` adapter of `MQTTClient` exists.
struct RequestResponseScenarios {
    /// The client's connection.
    var clientTransport: any RequestResponseTransport
    /// The service's connection (may be another client on the same broker).
    var serviceTransport: any RequestResponseTransport
    /// Prefix for every topic, so runs on a shared broker do not interfere.
    var prefix: String

    func things(_ name: String) -> String { "\(prefix)/things/\(name)/get" }

    func request(_ thing: String, token: String) -> RequestResponseClient.RequestOptions {
        RequestResponseClient.RequestOptions(
            subscriptionTopicFilters: [things(thing) + "/+"],
            responsePaths: [
                RequestResponseClient.ResponsePath(
                    topic: things(thing) + "/accepted", correlationTokenJSONPath: "clientToken"),
                RequestResponseClient.ResponsePath(
                    topic: things(thing) + "/rejected", correlationTokenJSONPath: "clientToken"),
            ],
            publishTopic: things(thing),
            payload: ByteBuffer(string: #"{"clientToken":"\#(token)"}"#),
            correlationToken: token
        )
    }

    /// Starts a shadow-like service answering `<prefix>/things/+/get` on `.../accepted`.
    func startService() async throws -> RequestResponder {
        let responder = RequestResponder(transport: serviceTransport, acknowledgementTimeout: .seconds(5))
        _ = try await responder.serve(topicFilter: "\(prefix)/things/+/get") { request in
            let object =
                (try? JSONSerialization.jsonObject(with: Data(String(buffer: request.payload).utf8))) as? [String: Any]
            let token = object?["clientToken"] as? String ?? ""
            try? await responder.respond(
                to: request, topic: request.topic + "/accepted",
                payload: ByteBuffer(string: #"{"state":{"reported":{}},"clientToken":"\#(token)"}"#)
            )
        }
        _ = try await responder.serve(topicFilter: "\(prefix)/rpc/echo") { request in
            try? await responder.respond(to: request, payload: request.payload)
        }
        return responder
    }

    /// Concurrent requests over several things all complete.
    func concurrentRequests(count: Int = 64, things: Int = 4) async throws {
        let responder = try await startService()
        let client = try RequestResponseClient(
            transport: clientTransport,
            options: .init(
                maxRequestResponseSubscriptions: things, maxStreamingSubscriptions: 1, operationTimeout: .seconds(5))
        )
        let topics = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<count {
                group.addTask { try await client.request(request("t\(index % things)", token: "c\(index)")).topic }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(topics.count == count)
        #expect(topics.allSatisfy { $0.hasSuffix("/accepted") })
        #expect(await client.statistics.subscribesSent == things)
        await client.close()
        await responder.close()
    }

    /// Sequential requests on one thing cost one SUBSCRIBE (warm reuse).
    func warmReuse(count: Int = 200) async throws {
        let responder = try await startService()
        let client = try RequestResponseClient(
            transport: clientTransport,
            options: .init(
                maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 0, operationTimeout: .seconds(5))
        )
        for index in 0..<count { _ = try await client.request(request("warm", token: "w\(index)")) }
        let statistics = await client.statistics
        #expect(statistics.subscribesSent == 1)
        #expect(statistics.unsubscribesSent == 0)
        #expect(statistics.requestsCompleted == count)
        await client.close()
        await responder.close()
    }

    /// Budget 2, three things: the third waits for a slot; all complete.
    func budgetTwoThreeThings() async throws {
        let responder = try await startService()
        let client = try RequestResponseClient(
            transport: clientTransport,
            options: .init(
                maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 0, operationTimeout: .seconds(5))
        )
        async let a = client.request(request("a", token: "1"))
        async let b = client.request(request("b", token: "2"))
        async let c = client.request(request("c", token: "3"))
        let topics = try await [a, b, c].map(\.topic)
        #expect(topics == [things("a") + "/accepted", things("b") + "/accepted", things("c") + "/accepted"])
        #expect(await client.statistics.requestResponseSubscriptions <= 2)
        await client.close()
        await responder.close()
    }

    /// MQTT 5 response topic + correlation data.
    func correlationData() async throws {
        let responder = try await startService()
        let client = try RequestResponseClient(
            transport: clientTransport,
            options: .init(
                maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 0, operationTimeout: .seconds(5))
        )
        for index in 0..<10 {
            let response = try await client.request(
                .correlationData(publishTopic: "\(prefix)/rpc/echo", payload: ByteBuffer(string: "e\(index)")))
            #expect(String(buffer: response.payload) == "e\(index)")
        }
        #expect(await client.statistics.subscribesSent == 1)
        await client.close()
        await responder.close()
    }

    /// A stream receives what the service publishes, then unsubscribes on close.
    func streaming() async throws {
        let responder = RequestResponder(transport: serviceTransport, acknowledgementTimeout: .seconds(5))
        let client = try RequestResponseClient(
            transport: clientTransport,
            options: .init(
                maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 1, operationTimeout: .seconds(5))
        )
        let received = try await client.withStreamingOperation(.init(topicFilter: "\(prefix)/events/#")) { stream in
            var iterator = stream.makeAsyncIterator()
            guard case .subscriptionStatus(let status) = await iterator.next(), status.type == .established else {
                return [String]()
            }
            var topics: [String] = []
            for index in 0..<3 {
                try await responder.respond(
                    to: IncomingRequest(topic: "-", payload: ByteBuffer()), topic: "\(prefix)/events/\(index)",
                    payload: ByteBuffer(string: "\(index)")
                )
                if case .publish(let publish) = await iterator.next() { topics.append(publish.topic) }
            }
            return topics
        }
        #expect(received == (0..<3).map { "\(prefix)/events/\($0)" })
        let statistics = await client.statistics
        #expect(statistics.subscribesSent == 1)
        #expect(statistics.unsubscribesSent == 1)
        await client.close()
        await responder.close()
    }
}
