import Logging
import MQTT5
import MQTT5Testing
import Synchronization
import Testing

/// The client logs as swift-log recommends: through the caller's logger (passed in, or the
/// task-local `Logger.current`), with `mqtt.*` metadata, and never above `info`.
@Suite("MQTTClient: logging", .timeLimit(.minutes(1)))
struct MQTTClientLoggingTests {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    final class Store: Sendable {
        let records = Mutex<[Record]>([])
    }

    struct RecordingHandler: LogHandler {
        let store: Store
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
            store.records.withLock {
                $0.append(Record(level: event.level, message: "\(event.message)", metadata: merged))
            }
        }
    }

    static func connectAndStop(_ broker: MQTTTestBroker, clientID: String, logger: Logger?) async throws {
        let configuration = try MQTTClient.Configuration(
            url: "mqtt://\(broker.host):\(broker.port)", clientIdentifier: clientID)
        let client =
            logger.map { MQTTClient(configuration: configuration, logger: $0) }
            ?? MQTTClient(configuration: configuration)
        client.start()
        try await client.waitForConnection(timeout: .seconds(10))
        await client.stop()
    }

    @Test("a passed-in logger gets the lifecycle at debug with mqtt.client_id, nothing above info")
    func passedInLogger() async throws {
        let store = Store()
        let logger = Logger(label: "app") { _ in RecordingHandler(store: store) }
        try await withMQTTTestBroker { broker in
            try await Self.connectAndStop(broker, clientID: "logged", logger: logger)
        }
        let records = store.records.withLock { $0 }
        #expect(!records.isEmpty)
        #expect(records.allSatisfy { $0.metadata["mqtt.client_id"] == "logged" })
        #expect(records.allSatisfy { $0.level <= .info })
        #expect(records.contains { $0.level == .debug && $0.message.contains("connecting") })
    }

    @Test("without a logger argument the client logs through the task-local Logger.current")
    func taskLocalLogger() async throws {
        let store = Store()
        var logger = Logger(label: "app") { _ in RecordingHandler(store: store) }
        logger[metadataKey: "request.id"] = "42"
        try await withMQTTTestBroker { broker in
            try await withLogger(logger) { _ in
                try await Self.connectAndStop(broker, clientID: "ambient", logger: nil)
            }
        }
        let records = store.records.withLock { $0 }
        #expect(!records.isEmpty)
        #expect(records.allSatisfy { $0.metadata["request.id"] == "42" && $0.metadata["mqtt.client_id"] == "ambient" })
    }
}
