import Foundation
import MQTT5
import NIOCore
import RequestResponse
import Synchronization
import Testing

extension RRSuite {
    @Suite("RequestResponder")
    struct RequestResponderTests {
        /// A shadow-like "get" handler: answers on `.../accepted` with the request's clientToken.
        private static func shadowHandler(_ responder: RequestResponder) -> @Sendable (IncomingRequest) async -> Void {
            { request in
                let object =
                    (try? JSONSerialization.jsonObject(with: Data(String(buffer: request.payload).utf8)))
                    as? [String: Any]
                let token = object?["clientToken"] as? String ?? ""
                try? await responder.respond(
                    to: request, topic: request.topic + "/accepted",
                    payload: ByteBuffer(string: #"{"state":{},"clientToken":"\#(token)"}"#)
                )
            }
        }

        @Test("serves JSON-token requests end to end")
        func jsonTokenEndToEnd() async throws {
            let broker = LoopbackBroker()
            let serviceTransport = broker.makeTransport()
            let clientTransport = broker.makeTransport()
            let responder = RequestResponder(transport: serviceTransport)
            let registration = try await responder.serve(
                topicFilter: "things/+/get", handler: Self.shadowHandler(responder))
            #expect(serviceTransport.subscribes == ["things/+/get"])
            let client = try RequestResponseClient(transport: clientTransport, options: .test())
            let responses = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.request(ThingService.request(thing: "t\(index % 4)", token: "tok\(index)"))
                            .topic
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(responses.count == 20)
            #expect(responses.allSatisfy { $0.hasSuffix("/get/accepted") })
            await registration.cancel()
            #expect(serviceTransport.unsubscribes == ["things/+/get"])
            await client.close()
            await responder.close()
        }

        @Test("serves MQTT 5 correlation-data requests end to end")
        func correlationDataEndToEnd() async throws {
            let broker = LoopbackBroker()
            let serviceTransport = broker.makeTransport()
            let clientTransport = broker.makeTransport()
            let responder = RequestResponder(transport: serviceTransport)
            _ = try await responder.serve(topicFilter: "rpc/upper") { request in
                try? await responder.respond(
                    to: request, payload: ByteBuffer(string: String(buffer: request.payload).uppercased()))
            }
            let client = try RequestResponseClient(transport: clientTransport, options: .test())
            let response = try await client.request(
                .correlationData(publishTopic: "rpc/upper", payload: ByteBuffer(string: "hello")))
            #expect(String(buffer: response.payload) == "HELLO")
            #expect(response.topic == client.correlationDataResponseTopic)
            #expect(response.properties?.correlationData == clientTransport.publishes.first?.properties.correlationData)
            await client.close()
            await responder.close()
            #expect(serviceTransport.listenerCount == 0)
            #expect(serviceTransport.unsubscribes == ["rpc/upper"])
        }

        @Test("handlers run off the event loop, concurrently")
        func handlersOffLoopAndConcurrent() async throws {
            let broker = LoopbackBroker()
            let serviceTransport = broker.makeTransport()
            let clientTransport = broker.makeTransport()
            let responder = RequestResponder(transport: serviceTransport)
            let onLoop = Mutex(false)
            _ = try await responder.serve(topicFilter: "slow/+") { request in
                if serviceTransport.eventLoop.inEventLoop { onLoop.withLock { $0 = true } }
                try? await Task.sleep(for: .milliseconds(150))
                try? await responder.respond(to: request, payload: request.payload)
            }
            let client = try RequestResponseClient(transport: clientTransport, options: .test())
            let clock = ContinuousClock()
            let start = clock.now
            async let a = client.request(.correlationData(publishTopic: "slow/a", payload: ByteBuffer(string: "a")))
            async let b = client.request(.correlationData(publishTopic: "slow/b", payload: ByteBuffer(string: "b")))
            _ = try await (a, b)
            #expect(clock.now - start < .milliseconds(290))
            #expect(!onLoop.withLock { $0 })
            await client.close()
            await responder.close()
        }

        @Test("serve fails with subscribeFailure and the reason code when the SUBACK is an error")
        func serveSubscribeFailure() async throws {
            let transport = TestTransport()
            transport.onSubscribe { _ in .reply(.notAuthorized) }
            let responder = RequestResponder(transport: transport)
            let called = Mutex(false)
            do {
                _ = try await responder.serve(topicFilter: "denied") { _ in called.withLock { $0 = true } }
                Issue.record("expected a failure")
            } catch {
                #expect(error.code == .subscribeFailure)
                #expect(error.reasonCode == .subAck(.notAuthorized))
            }
            transport.inject(RequestResponsePublish(topic: "denied", payload: ByteBuffer(string: "x")), force: true)
            try await Task.sleep(for: .milliseconds(20))
            #expect(!called.withLock { $0 })
            do {
                _ = try await responder.serve(topicFilter: "bad/#/filter") { _ in }
                Issue.record("expected invalidArgument")
            } catch {
                #expect(error.code == .invalidArgument)
            }
            await responder.close()
        }

        @Test("serve is bounded when the SUBACK never comes")
        func serveTimeout() async throws {
            let transport = TestTransport()
            transport.onSubscribe { _ in .never }
            let responder = RequestResponder(transport: transport, acknowledgementTimeout: .milliseconds(50))
            do {
                _ = try await responder.serve(topicFilter: "never") { _ in }
                Issue.record("expected a timeout")
            } catch {
                #expect(error.code == .timeout)
            }
            await responder.close()
            transport.disconnect()
        }

        @Test("respond errors: no response topic, invalid topic, PUBACK error")
        func respondErrors() async throws {
            let transport = TestTransport()
            let responder = RequestResponder(transport: transport)
            let request = IncomingRequest(topic: "q", payload: ByteBuffer(string: "x"))
            do {
                try await responder.respond(to: request, payload: ByteBuffer(string: "y"))
                Issue.record("expected invalidArgument")
            } catch {
                #expect(error.code == .invalidArgument)
            }
            do {
                try await responder.respond(to: request, topic: "a/+", payload: ByteBuffer(string: "y"))
                Issue.record("expected invalidArgument")
            } catch {
                #expect(error.code == .invalidArgument)
            }
            transport.onPublish { _ in .reply(.quotaExceeded) }
            do {
                try await responder.respond(to: request, topic: "a/b", payload: ByteBuffer(string: "y"))
                Issue.record("expected publishFailure")
            } catch {
                #expect(error.code == .publishFailure)
                #expect(error.reasonCode == .pubAck(.quotaExceeded))
            }
            #expect(transport.publishes.count == 1)
            await responder.close()
        }

        @Test("resubscribes its filters when the connection comes back without the session")
        func resubscribeOnSessionLoss() async throws {
            let transport = TestTransport()
            let responder = RequestResponder(transport: transport)
            let received = Mutex(0)
            _ = try await responder.serve(topicFilter: "svc/#") { _ in received.withLock { $0 += 1 } }
            transport.disconnect()
            transport.connect(sessionPresent: false)
            try await waitUntil("resubscribed") { transport.subscribes == ["svc/#", "svc/#"] }
            try await waitUntil("active") { transport.activeSubscriptions.contains("svc/#") }
            transport.inject(RequestResponsePublish(topic: "svc/1", payload: ByteBuffer(string: "x")))
            try await waitUntil("handled") { received.withLock { $0 } == 1 }
            await responder.close()
        }
    }
}
