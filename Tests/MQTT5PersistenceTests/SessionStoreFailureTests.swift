import Foundation
import MQTT5
import MQTT5Testing
import NIOCore
import Synchronization
import Testing

/// A store that stops committing: the client must not send what it could not make durable.
@Suite(.enabled(if: MosquittoBroker.shouldRunTests), .timeLimit(.minutes(1)))
struct SessionStoreFailureTests {
    /// Commits on its own queue (as a database would) until `failing` is set.
    final class FailingStore: MQTTSessionStore {
        let clientIdentifier = "device-failing"
        let failing = Atomic<Bool>(false)
        let commits = Atomic<Int>(0)

        func load() throws(MQTTError) -> MQTTSessionSnapshot {
            MQTTSessionSnapshot(clientIdentifier: clientIdentifier)
        }

        func commit(_ transaction: MQTTSessionStoreTransaction) throws(MQTTError) {
            if failing.load(ordering: .relaxed) {
                throw MQTTError(code: .sessionStoreFailure, message: "disk full (simulated)")
            }
            commits.add(1, ordering: .relaxed)
        }
    }

    @Test("A failed commit stops the client; the publish it covered never reaches the broker")
    func failedCommit() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let url = "mqtt://127.0.0.1:\(broker.port)"
        let subscriber = MQTTClient(configuration: try MQTTClient.Configuration(url: url, clientIdentifier: "watcher"))
        let messages = subscriber.publishes()
        subscriber.start()
        try await subscriber.waitForConnection(timeout: .seconds(5))
        try await subscriber.subscribe(to: "durable/#", qos: .atLeastOnce)

        let store = FailingStore()
        var configuration = try MQTTClient.Configuration(url: url, clientIdentifier: store.clientIdentifier)
        configuration.sessionStore = store
        configuration.sessionExpiryInterval = 60
        configuration.sessionBehavior = .rejoinAlways
        let client = MQTTClient(configuration: configuration)
        let events = client.events()
        client.start()
        try await client.waitForConnection(timeout: .seconds(5))
        try await client.publish(to: "durable/ok", payload: ByteBuffer(string: "ok"), qos: .atLeastOnce)
        #expect(store.commits.load(ordering: .relaxed) >= 1)

        store.failing.store(true, ordering: .relaxed)
        let error = await #expect(throws: MQTTError.self) {
            try await client.publish(to: "durable/lost", payload: ByteBuffer(string: "lost"), qos: .atLeastOnce)
        }
        #expect(error?.code == .clientStopped)
        let cause = error?.cause.map { "\($0)" } ?? ""
        #expect(cause.contains("disk full (simulated)"))
        var stopped: MQTTError?? = nil
        for await event in events {
            if case .stopped(let reason) = event {
                stopped = reason
                break
            }
        }
        #expect(stopped??.code == .sessionStoreFailure)

        // Only the first message arrived.
        try await subscriber.publish(to: "durable/end", payload: ByteBuffer(string: "end"), qos: .atLeastOnce)
        var received: [String] = []
        for await message in messages {
            received.append(String(buffer: message.payload))
            if received.last == "end" { break }
        }
        #expect(received == ["ok", "end"])
        await subscriber.stop()
    }
}
