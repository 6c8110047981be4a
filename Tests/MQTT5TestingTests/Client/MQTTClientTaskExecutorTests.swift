import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Testing

/// `MQTTClient.taskExecutor`: code that opts in runs on the client's event loop, before and after
/// every `await` on the client, and the client behaves as from any other executor.
@Suite("MQTTClient task executor", .serialized, .timeLimit(.minutes(1)))
struct MQTTClientTaskExecutorTests {
    @Test("A task preferring the client's executor stays on its event loop; publishes and receives in order")
    func runsOnTheEventLoop() async throws {
        try await withMQTTTestBroker { broker in
            let client = MQTTClient(
                configuration: try .test(url: broker.endpoint, clientIdentifier: "executor"))
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            #expect(!client.eventLoop.inEventLoop)
            let received = try await withTaskExecutorPreference(client.taskExecutor) {
                #expect(client.eventLoop.inEventLoop)
                let publishes = try client.publishes(matching: "exec/#")
                _ = try await client.subscribe(to: "exec/#", qos: .atLeastOnce)
                #expect(client.eventLoop.inEventLoop)
                var onLoopAfterEachPublish = true
                for index in 0..<50 {
                    let qos: MQTTQoS = index.isMultiple(of: 2) ? .atLeastOnce : .exactlyOnce
                    _ = try await client.publish(to: "exec/\(index)", payload: ByteBuffer(string: "\(index)"), qos: qos)
                    onLoopAfterEachPublish = onLoopAfterEachPublish && client.eventLoop.inEventLoop
                }
                #expect(onLoopAfterEachPublish)
                var topics: [String] = []
                for await publish in publishes {
                    #expect(client.eventLoop.inEventLoop)
                    topics.append(publish.topic)
                    if topics.count == 50 { break }
                }
                return topics
            }
            #expect(received == (0..<50).map { "exec/\($0)" })
            await client.stop()
        }
    }
}
