import Foundation
import MQTT5
import MQTT5Persistence

/// The two session stores, for suites that run the same contract against both.
enum SessionStoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory
    case sqlite

    var description: String { rawValue }

    /// A store over `location`: the same in-memory instance, or a new SQLite connection to the
    /// same file (as a restarted process would open it).
    final class Location: Sendable {
        let kind: SessionStoreKind
        let clientIdentifier: String
        let path: String
        let memory: MQTTInMemorySessionStore

        init(kind: SessionStoreKind, clientIdentifier: String) throws {
            self.kind = kind
            self.clientIdentifier = clientIdentifier
            self.path =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("mqtt-store-\(UUID().uuidString).sqlite").path
            self.memory = try MQTTInMemorySessionStore(clientIdentifier: clientIdentifier)
        }

        func open() throws -> any MQTTSessionStore {
            switch kind {
            case .memory: memory
            case .sqlite: try MQTTSQLiteSessionStore(path: path, clientIdentifier: clientIdentifier)
            }
        }

        func remove() {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
}
