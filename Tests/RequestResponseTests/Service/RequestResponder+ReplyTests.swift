import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Synchronization
import Testing

/// `RequestResponder.reply`: responses queued by a handler leave when it returns, without the
/// handler waiting for their acknowledgement; a graceful shutdown still waits for them.
@Suite("RequestResponder replies", .serialized, .timeLimit(.minutes(1)))
struct RequestResponderReplyTests {
    @Test("A reply queued by a running handler is published when the handler returns")
    func replyLeavesWhenTheHandlerReturns() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service)
            let returned = Mutex(false)
            _ = try await responder.serve(topicFilter: "svc/reply") { request in
                try? responder.reply(to: request, payload: request.payload)
                try? await Task.sleep(for: .milliseconds(300))
                returned.withLock { $0 = true }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                let response = try await bed.rr.request(
                    .correlationData(publishTopic: "svc/reply", payload: ByteBuffer(string: "hello")))
                #expect(String(buffer: response.payload) == "hello")
                // Queued, not sent: the answer arrived only after the handler returned.
                #expect(returned.withLock { $0 })
                group.cancelAll()
            }
            let statistics = await responder.statistics
            #expect(statistics.completed == 1)
            #expect(statistics.failedResponses == 0)
        }
    }

    @Test("A reply after the handler returned, or without run(), is published at once")
    func lateAndUnstructuredRepliesArePublished() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service)
            let kept = Mutex<IncomingRequest?>(nil)
            _ = try await responder.serve(topicFilter: "svc/late") { request in
                kept.withLock { $0 = request }
            }
            _ = try await responder.serve(topicFilter: "svc/direct") { request in
                try? responder.reply(to: request, payload: request.payload)
            }
            // No run(): each handler runs in a task of its own and still answers.
            let direct = try await bed.rr.request(
                .correlationData(publishTopic: "svc/direct", payload: ByteBuffer(string: "direct")))
            #expect(String(buffer: direct.payload) == "direct")

            let late = Task {
                try await bed.rr.request(
                    .correlationData(publishTopic: "svc/late", payload: ByteBuffer(string: "late")))
            }
            #expect(await eventually { kept.withLock { $0 != nil } })
            try await Task.sleep(for: .milliseconds(50))
            let request = try #require(kept.withLock { $0 })
            try responder.reply(to: request, payload: ByteBuffer(string: "answered later"))
            #expect(String(buffer: try await late.value.payload) == "answered later")
            await responder.close()
        }
    }

    @Test("An invalid reply topic throws; a refused reply is counted")
    func invalidAndRefusedReplies() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service)
            let thrown = Mutex<RequestResponseError?>(nil)
            _ = try await responder.serve(topicFilter: "svc/bad") { request in
                do throws(RequestResponseError) {
                    try responder.reply(to: request, topic: "bad/+/topic", payload: request.payload)
                } catch {
                    thrown.withLock { $0 = error }
                }
                try? responder.reply(to: request, topic: "svc/refused-replies", payload: request.payload)
            }
            bed.broker.updateFaults { faults in
                faults.publishResult = { _, publish in publish.topic == "svc/refused-replies" ? .notAuthorized : nil }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                try await bed.publishRequest(
                    topic: "svc/bad", payload: "x", responseTopic: "svc/replies", correlation: "1")
                #expect(await eventually { await responder.statistics.failedResponses == 1 })
                group.cancelAll()
            }
            #expect(thrown.withLock { $0?.code } == .invalidArgument)
        }
    }
}
