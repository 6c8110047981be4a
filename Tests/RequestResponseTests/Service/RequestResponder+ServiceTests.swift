import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import ServiceLifecycle
import Synchronization
import Testing
import Logging

/// The responder as a service runtime, over the embedded broker: bounded concurrency, graceful
/// shutdown, deadlines, deduplication and deferred acknowledgements.
@Suite("RequestResponder service runtime", .serialized, .timeLimit(.minutes(1)))
struct RequestResponderServiceTests {
    /// An echo handler that holds each request for `hold` and records concurrency.
    static func echo(
        _ responder: RequestResponder, probe: ConcurrencyProbe, hold: Duration
    ) -> @Sendable (IncomingRequest) async -> Void {
        { request in
            probe.enter()
            do {
                try await Task.sleep(for: hold)
            } catch {
                probe.leave(cancelled: true)
                return
            }
            probe.leave()
            try? await responder.respond(to: request, payload: request.payload)
        }
    }

    /// A handler body that never answers: it waits 30 s unless cancelled, as `probe` records.
    static func stuck(_ probe: ConcurrencyProbe) async {
        probe.enter()
        do {
            try await Task.sleep(for: .seconds(30))
            probe.leave()
        } catch {
            probe.leave(cancelled: true)
        }
    }

    /// Sends `count` requests at once (payloads `r0`, `r1`, ...) to an echo handler on `topic`;
    /// whether every one came back with its own payload.
    static func echoRequests(_ count: Int, to topic: String, through client: RequestResponseClient) async throws -> Bool
    {
        let answers = try await withThrowingTaskGroup(of: String.self) { requests in
            for index in 0..<count {
                requests.addTask {
                    let response = try await client.request(
                        .correlationData(publishTopic: topic, payload: ByteBuffer(string: "r\(index)")))
                    return String(buffer: response.payload)
                }
            }
            return try await requests.reduce(into: Set<String>()) { $0.insert($1) }
        }
        return answers == Set((0..<count).map { "r\($0)" })
    }

    @Test("Never more than maxConcurrentHandlers run at once; the rest wait and all are answered")
    func boundedConcurrency() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service, options: .init(maxConcurrentHandlers: 3))
            let probe = ConcurrencyProbe()
            _ = try await responder.serve(
                topicFilter: "svc/echo", handler: Self.echo(responder, probe: probe, hold: .milliseconds(40)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                let allAnswered = try await Self.echoRequests(15, to: "svc/echo", through: bed.rr)
                #expect(allAnswered)
                group.cancelAll()
            }
            #expect(probe.maximum == 3)
            #expect(probe.started == 15)
            let statistics = await responder.statistics
            #expect(statistics.maxRunning == 3)
            #expect(statistics.completed == 15)
        }
    }

    @Test("Graceful shutdown unsubscribes, waits for the handler in flight, then run() returns")
    func gracefulShutdownDrains() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service, options: .init(shutdownGracePeriod: .seconds(5)))
            let probe = ConcurrencyProbe()
            _ = try await responder.serve(
                topicFilter: "svc/slow", handler: Self.echo(responder, probe: probe, hold: .milliseconds(500)))
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let group = ServiceGroup(services: [responder], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let request = Task {
                    try await bed.rr.request(
                        .correlationData(publishTopic: "svc/slow", payload: ByteBuffer(string: "late")))
                }
                #expect(await eventually { probe.started == 1 })
                await group.triggerGracefulShutdown()
                try await tasks.next()  // run() returned
                // It returned only after the handler finished and answered.
                #expect(probe.finished == 1)
                #expect(probe.cancelled == 0)
                #expect(String(buffer: try await request.value.payload) == "late")
            }
            #expect(await bed.broker.subscriptions(clientID: "service").isEmpty)
        }
    }

    @Test("A request that expires while queued is dropped and counted, never run")
    func expiredRequestsDropped() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service, options: .init(maxConcurrentHandlers: 1))
            let probe = ConcurrencyProbe()
            _ = try await responder.serve(
                topicFilter: "svc/queue", handler: Self.echo(responder, probe: probe, hold: .milliseconds(1500)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                try await bed.publishRequest(
                    topic: "svc/queue", payload: "first", responseTopic: "svc/replies", correlation: "1")
                #expect(await eventually { probe.started == 1 })
                // Waits behind the first (1.5 s) with 1 s to live.
                try await bed.publishRequest(
                    topic: "svc/queue", payload: "second", responseTopic: "svc/replies", correlation: "2", expiry: 1)
                #expect(await eventually { await responder.statistics.droppedExpired == 1 })
                #expect(await eventually { probe.finished == 1 })
                try await Task.sleep(for: .milliseconds(100))
                #expect(probe.started == 1)
                group.cancelAll()
            }
        }
    }

    @Test("The handler's task is cancelled at the request's deadline; the context carries it")
    func deadlineCancelsHandler() async throws {
        try await ServiceTestBed.withBed(callerOptions: { $0.callerClientID = "caller" }) { bed in
            let responder = RequestResponder(bed.service)
            let probe = ConcurrencyProbe()
            let seen = Mutex<RequestHandlerContext?>(nil)
            _ = try await responder.serve(topicFilter: "svc/stuck") { request in
                seen.withLock { $0 = RequestHandlerContext.current }
                await Self.stuck(probe)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                let start = ContinuousClock.now
                await #expect(throws: RequestResponseError.self) {
                    _ = try await bed.rr.request(
                        .correlationData(publishTopic: "svc/stuck", payload: ByteBuffer(string: "x")),
                        timeout: .milliseconds(900))
                }
                #expect(await eventually { probe.cancelled == 1 })
                #expect(ContinuousClock.now - start < .seconds(3))
                #expect(await responder.statistics.deadlineExceeded == 1)
                let context = try #require(seen.withLock { $0 })
                #expect(context.callerClientID == "caller")
                #expect(context.deadline != nil)
                #expect(context.correlationData != nil)
                #expect(context.responseTopic == bed.rr.correlationDataResponseTopic)
                group.cancelAll()
            }
        }
    }

    @Test("With handlerExecutor set to the event loop, handlers run there, across awaits, and deadlines still apply")
    func handlersOnTheEventLoop() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(
                bed.service, options: .init(maxConcurrentHandlers: 4, handlerExecutor: bed.service.taskExecutor))
            let onLoop = Mutex<[Bool]>([])
            let probe = ConcurrencyProbe()
            _ = try await responder.serve(topicFilter: "svc/where") { request in
                onLoop.withLock { $0.append(bed.service.eventLoop.inEventLoop) }
                try? await Task.sleep(for: .milliseconds(5))
                onLoop.withLock { $0.append(bed.service.eventLoop.inEventLoop) }
                try? await responder.respond(to: request, payload: request.payload)
            }
            _ = try await responder.serve(topicFilter: "svc/stuck") { _ in await Self.stuck(probe) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                let allAnswered = try await Self.echoRequests(8, to: "svc/where", through: bed.rr)
                #expect(allAnswered)
                await #expect(throws: RequestResponseError.self) {
                    _ = try await bed.rr.request(
                        .correlationData(publishTopic: "svc/stuck", payload: ByteBuffer(string: "x")),
                        timeout: .milliseconds(500))
                }
                #expect(await eventually { probe.cancelled == 1 })
                #expect(await responder.statistics.deadlineExceeded == 1)
                group.cancelAll()
            }
            #expect(onLoop.withLock { $0 } == Array(repeating: true, count: 16))
        }
    }

    @Test("With the deduplication cache a retried request is answered again without running twice")
    func deduplicationAnswersRetry() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service, options: .init(deduplicationCapacity: 8))
            let probe = ConcurrencyProbe()
            _ = try await responder.serve(
                topicFilter: "svc/once", handler: Self.echo(responder, probe: probe, hold: .milliseconds(1)))
            let replies = try bed.caller.publishes(matching: "svc/once-replies")
            _ = try await bed.caller.subscribe(to: "svc/once-replies", qos: .atLeastOnce)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                try await bed.publishRequest(
                    topic: "svc/once", payload: "pay", responseTopic: "svc/once-replies", correlation: "c-1")
                var iterator = replies.makeAsyncIterator()
                var received: [String] = []
                if let reply = await iterator.next() {
                    received.append(String(buffer: reply.properties.correlationData ?? ByteBuffer()))
                }
                // The retry, once the answer is out (a retry arriving while the original runs is
                // dropped: the original's answer serves both): same caller, same correlation.
                try await bed.publishRequest(
                    topic: "svc/once", payload: "pay", responseTopic: "svc/once-replies", correlation: "c-1")
                if let reply = await iterator.next() {
                    received.append(String(buffer: reply.properties.correlationData ?? ByteBuffer()))
                }
                #expect(received == ["c-1", "c-1"])
                #expect(probe.started == 1)
                #expect(await responder.statistics.deduplicated == 1)
                group.cancelAll()
            }
        }
    }

    @Test("A request is acknowledged (PUBACK) only when a handler takes it")
    func acknowledgedWhenTaken() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service, options: .init(maxConcurrentHandlers: 1))
            let probe = ConcurrencyProbe()
            _ = try await responder.serve(
                topicFilter: "svc/ack", handler: Self.echo(responder, probe: probe, hold: .milliseconds(600)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                bed.broker.clearPacketLog()
                try await bed.publishRequest(topic: "svc/ack", payload: "a", responseTopic: "svc/r", correlation: "1")
                try await bed.publishRequest(topic: "svc/ack", payload: "b", responseTopic: "svc/r", correlation: "2")
                #expect(await eventually { probe.started == 1 })
                try await Task.sleep(for: .milliseconds(200))
                func pubAcks() -> Int {
                    bed.broker.receivedPackets(clientID: "service").filter {
                        if case .pubAck = $0 { true } else { false }
                    }.count
                }
                // The first was taken and acknowledged; the second waits unacknowledged.
                #expect(pubAcks() == 1)
                #expect(await eventually { probe.started == 2 })
                #expect(await eventually { pubAcks() >= 2 })
                group.cancelAll()
            }
        }
    }
}
