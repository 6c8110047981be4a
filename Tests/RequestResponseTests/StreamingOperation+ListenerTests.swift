import MQTT5
import NIOCore
import RequestResponse
import Synchronization
import Testing

extension RRSuite {
    @Suite("StreamingOperation listeners")
    struct StreamingOperationListenerTests {
        @Test("status and publish listeners get every event in order, one at a time, and stop at close")
        func listenersInOrder() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let log = Mutex<[String]>([])
            let active = Atomic<Int>(0)
            let overlaps = Atomic<Int>(0)
            let stream = try client.streamingOperation(
                StreamingOperationOptions(
                    topicFilter: "things/+/delta",
                    subscriptionStatusListener: { status in
                        log.withLock { $0.append("status:\(status.type)") }
                    },
                    publishListener: { publish in
                        if active.add(1, ordering: .relaxed).newValue > 1 { overlaps.add(1, ordering: .relaxed) }
                        try? await Task.sleep(for: .milliseconds(2))
                        log.withLock { $0.append("publish:\(String(buffer: publish.payload))") }
                        active.subtract(1, ordering: .relaxed)
                    }
                ))
            try stream.open()
            try await waitUntil("established") { log.withLock { $0 } == ["status:established"] }
            for index in 0..<20 {
                transport.inject(
                    RequestResponsePublish(topic: "things/a/delta", payload: ByteBuffer(string: "\(index)")))
            }
            try await waitUntil("20 publishes") { log.withLock { $0.count } == 21 }
            #expect(log.withLock { $0 } == ["status:established"] + (0..<20).map { "publish:\($0)" })
            #expect(overlaps.load(ordering: .relaxed) == 0)
            stream.close()
            try await waitUntil("unsubscribed") { transport.unsubscribes == ["things/+/delta"] }
            transport.inject(RequestResponsePublish(topic: "things/a/delta", payload: ByteBuffer(string: "late")))
            try await Task.sleep(for: .milliseconds(50))
            #expect(log.withLock { $0.count } == 21)
            await client.close()
        }

        @Test("the status listener sees halted when the client closes")
        func haltedOnClose() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let statuses = Mutex<[SubscriptionStatusEventType]>([])
            let stream = try client.streamingOperation(
                StreamingOperationOptions(
                    topicFilter: "things/a/delta",
                    subscriptionStatusListener: { status in statuses.withLock { $0.append(status.type) } }
                ))
            try stream.open()
            try await waitUntil("established") { statuses.withLock { $0 } == [.established] }
            await client.close()
            try await waitUntil("halted") { statuses.withLock { $0 } == [.established, .halted] }
        }

        @Test("options compare by topic filter only")
        func optionsEquality() {
            let plain = StreamingOperationOptions(topicFilter: "a/b")
            let listening = StreamingOperationOptions(topicFilter: "a/b", publishListener: { _ in })
            #expect(plain == listening)
            #expect(Set([plain, listening]).count == 1)
            #expect(plain != StreamingOperationOptions(topicFilter: "a/c"))
        }
    }
}
