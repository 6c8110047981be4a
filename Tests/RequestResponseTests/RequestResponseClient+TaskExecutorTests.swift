import MQTT5
import NIOCore
import RequestResponse
import Testing

/// `RequestResponseClient.taskExecutor`: a caller that opts in runs on the transport's event
/// loop; requests complete there and answer exactly as from the default executor.
@Suite("Request-response client task executor", .serialized, .timeLimit(.minutes(1)))
struct RequestResponseClientTaskExecutorTests {
    @Test("Sequential requests from a task preferring the client's event loop: each answered, each resumed there")
    func requestsOnTheEventLoop() async throws {
        try await ServiceTestBed.withBed { bed in
            let responder = RequestResponder(bed.service)
            _ = try await responder.serve(topicFilter: "svc/echo") { request in
                try? responder.reply(to: request, payload: request.payload)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await responder.run() }
                let loop = bed.caller.eventLoop
                let answers = try await withTaskExecutorPreference(bed.rr.taskExecutor) {
                    var answers: [String] = []
                    var onLoop = loop.inEventLoop
                    for index in 0..<40 {
                        let response = try await bed.rr.request(
                            .correlationData(publishTopic: "svc/echo", payload: ByteBuffer(string: "\(index)")))
                        onLoop = onLoop && loop.inEventLoop
                        answers.append(String(buffer: response.payload))
                    }
                    #expect(onLoop)
                    return answers
                }
                #expect(answers == (0..<40).map { "\($0)" })
                // A request that fails still resumes the caller (here: an immediate deadline).
                await withTaskExecutorPreference(bed.rr.taskExecutor) {
                    await #expect(throws: RequestResponseError.self) {
                        _ = try await bed.rr.request(
                            .correlationData(publishTopic: "svc/nobody", payload: ByteBuffer(string: "x")),
                            timeout: .milliseconds(50))
                    }
                    #expect(loop.inEventLoop)
                }
                group.cancelAll()
            }
        }
    }
}
