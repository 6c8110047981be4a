public import MQTT5
import Foundation
import GRDB
import NIOCore

/// A session store in a SQLite database file (through GRDB, in WAL mode): the client's half of
/// the session survives the process, including a `kill -9`.
///
/// Each ``commit(_:)`` is one transaction, run on the client's session-store queue, never on its
/// event loop. The file holds one client identifier's session: opening it for another identifier,
/// or opening a file that is not such a store (garbage, another application's database), throws
/// ``MQTTError/Code/sessionStoreFailure`` with a message naming the problem.
///
/// ```swift
/// var configuration = try MQTTClient.Configuration(url: "mqtt://broker", clientIdentifier: "sensor-1")
/// configuration.sessionStore = try MQTTSQLiteSessionStore(path: "sensor-1.session", clientIdentifier: "sensor-1")
/// configuration.sessionBehavior = .rejoinAlways
/// configuration.sessionExpiryInterval = 3600
/// ```
public final class MQTTSQLiteSessionStore: MQTTSessionStore {
    /// How hard a commit works to survive.
    public struct Durability: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case processCrash, powerLoss }
        let kind: Kind

        /// A commit survives the process being killed (WAL with `synchronous = NORMAL`: no
        /// fsync per commit). The default.
        public static let processCrash = Durability(kind: .processCrash)
        /// A commit also survives a power loss or an operating-system crash (`synchronous = FULL`:
        /// an fsync per commit, much slower).
        public static let powerLoss = Durability(kind: .powerLoss)

        /// The name of the level.
        public var description: String {
            switch kind {
            case .processCrash: "processCrash"
            case .powerLoss: "powerLoss"
            }
        }
    }

    /// The client identifier of the stored session.
    public let clientIdentifier: String
    /// The database file.
    public let path: String
    private let database: DatabaseQueue

    /// Marks the file as an MQTT session store (`PRAGMA application_id`, "MQTS").
    static let applicationID: Int32 = 0x4D51_5453
    static let schemaVersion: Int32 = 1

    /// Opens the store at `path` (creating it when the file does not exist or is empty).
    ///
    /// - Parameters:
    ///   - path: The database file.
    ///   - clientIdentifier: The client identifier whose session it holds (not empty).
    ///   - durability: What a commit survives (``Durability/processCrash`` by default).
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/sessionStoreFailure`` when the file cannot be
    ///   opened, is not a session store, or holds another client identifier's session;
    ///   ``MQTTError/Code/invalidConfiguration`` for an empty identifier.
    public init(path: String, clientIdentifier: String, durability: Durability = .processCrash) throws(MQTTError) {
        guard !clientIdentifier.isEmpty else {
            throw MQTTError(
                code: .invalidConfiguration,
                message: "a session store needs a client identifier: a broker-assigned one cannot be resumed")
        }
        self.clientIdentifier = clientIdentifier
        self.path = path
        var configuration = Configuration()
        configuration.label = "mqtt-session-store"
        configuration.busyMode = .timeout(5)
        let synchronous = durability == .powerLoss ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.inDatabase { db in
                try Self.prepareSchema(db, path: path, clientIdentifier: clientIdentifier)
                // Only once the file is known to be ours (the journal mode is stored in the file).
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
        } catch let error as MQTTError {
            throw error
        } catch {
            throw Self.failure("cannot open the session store '\(path)'", error)
        }
    }

    /// Checks the file's identity, creating the schema in an empty file.
    private static func prepareSchema(_ db: Database, path: String, clientIdentifier: String) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if applicationID == 0 && tables.isEmpty {
            try db.execute(
                sql: """
                    BEGIN IMMEDIATE;
                    PRAGMA application_id = \(Self.applicationID);
                    PRAGMA user_version = \(Self.schemaVersion);
                    CREATE TABLE mqtt_session (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        client_id TEXT NOT NULL,
                        session_expiry INTEGER);
                    CREATE TABLE mqtt_outbound (
                        sequence INTEGER PRIMARY KEY,
                        packet_id INTEGER,
                        released INTEGER NOT NULL,
                        packet BLOB NOT NULL);
                    CREATE TABLE mqtt_inbound (packet_id INTEGER PRIMARY KEY);
                    CREATE TABLE mqtt_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    """)
            try db.execute(
                sql: "INSERT INTO mqtt_session (id, client_id) VALUES (1, ?); COMMIT", arguments: [clientIdentifier])
            return
        }
        guard applicationID == Self.applicationID else {
            throw MQTTError(
                code: .sessionStoreFailure,
                message:
                    "'\(path)' is a SQLite database of another application (tables: \(tables.sorted().joined(separator: ", "))), not an MQTT session store"
            )
        }
        let version = try Int32.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        guard version == Self.schemaVersion else {
            throw MQTTError(
                code: .sessionStoreFailure,
                message:
                    "the session store '\(path)' has schema version \(version); this client reads \(Self.schemaVersion)"
            )
        }
        guard let owner = try String.fetchOne(db, sql: "SELECT client_id FROM mqtt_session WHERE id = 1") else {
            throw MQTTError(code: .sessionStoreFailure, message: "the session store '\(path)' has no session record")
        }
        guard owner == clientIdentifier else {
            throw MQTTError(
                code: .sessionStoreFailure,
                message: "the session store '\(path)' belongs to client '\(owner)', not '\(clientIdentifier)'")
        }
    }

    /// Reads the stored session.
    ///
    /// - Returns: The session as last committed.
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/sessionStoreFailure`` when it cannot be read
    ///   or a stored packet does not decode.
    public func load() throws(MQTTError) -> MQTTSessionSnapshot {
        do {
            return try database.read { db in
                var snapshot = MQTTSessionSnapshot(clientIdentifier: clientIdentifier)
                if let row = try Row.fetchOne(
                    db, sql: "SELECT client_id, session_expiry FROM mqtt_session WHERE id = 1")
                {
                    snapshot.clientIdentifier = row["client_id"]
                    let expiry: Int64? = row["session_expiry"]
                    snapshot.sessionExpiryInterval = expiry.map { UInt32(clamping: $0) }
                }
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT sequence, packet_id, released, packet FROM mqtt_outbound ORDER BY sequence")
                while let row = try rows.next() {
                    let sequence = UInt64(bitPattern: row["sequence"] as Int64)
                    let identifier: Int64? = row["packet_id"]
                    let bytes: Data = row["packet"]
                    snapshot.publishes.append(
                        MQTTStoredPublish(
                            sequence: sequence,
                            packetIdentifier: identifier.map { UInt16(truncatingIfNeeded: $0) },
                            isReleased: row["released"] as Bool,
                            packet: try Self.decode(bytes, sequence: sequence)))
                }
                snapshot.inboundPacketIdentifiers = Set(
                    try Int64.fetchAll(db, sql: "SELECT packet_id FROM mqtt_inbound").map {
                        UInt16(truncatingIfNeeded: $0)
                    })
                for row in try Row.fetchAll(db, sql: "SELECT key, value FROM mqtt_metadata") {
                    snapshot.metadata[row["key"]] = row["value"] as String
                }
                return snapshot
            }
        } catch let error as MQTTError {
            throw error
        } catch {
            throw Self.failure("cannot read the session store '\(path)'", error)
        }
    }

    /// Applies `transaction` in one SQLite transaction.
    ///
    /// - Parameter transaction: The changes.
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/sessionStoreFailure`` when it could not be
    ///   committed (nothing of it was).
    public func commit(_ transaction: MQTTSessionStoreTransaction) throws(MQTTError) {
        guard !transaction.isEmpty else { return }
        do {
            try database.write { db in try Self.apply(transaction, to: db) }
        } catch let error as MQTTError {
            throw error
        } catch {
            throw Self.failure("cannot commit to the session store '\(path)'", error)
        }
    }

    private static func apply(_ transaction: MQTTSessionStoreTransaction, to db: Database) throws {
        if let interval = transaction.sessionExpiryInterval {
            try db.cachedStatement(sql: "UPDATE mqtt_session SET session_expiry = ? WHERE id = 1")
                .execute(arguments: [Int64(interval)])
        }
        if transaction.removesAllInboundPacketIdentifiers {
            try db.execute(sql: "DELETE FROM mqtt_inbound")
        }
        if !transaction.removedInboundPacketIdentifiers.isEmpty {
            let statement = try db.cachedStatement(sql: "DELETE FROM mqtt_inbound WHERE packet_id = ?")
            for identifier in transaction.removedInboundPacketIdentifiers {
                try statement.execute(arguments: [Int64(identifier)])
            }
        }
        if !transaction.addedInboundPacketIdentifiers.isEmpty {
            let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO mqtt_inbound (packet_id) VALUES (?)")
            for identifier in transaction.addedInboundPacketIdentifiers {
                try statement.execute(arguments: [Int64(identifier)])
            }
        }
        if !transaction.removedPublishes.isEmpty {
            let statement = try db.cachedStatement(sql: "DELETE FROM mqtt_outbound WHERE sequence = ?")
            for sequence in transaction.removedPublishes {
                try statement.execute(arguments: [Int64(bitPattern: sequence)])
            }
        }
        if !transaction.savedPublishes.isEmpty {
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO mqtt_outbound (sequence, packet_id, released, packet) VALUES (?, ?, ?, ?)")
            for record in transaction.savedPublishes {
                try statement.execute(arguments: [
                    Int64(bitPattern: record.sequence), record.packetIdentifier.map { Int64($0) }, record.isReleased,
                    try encode(record),
                ])
            }
        }
        for (key, value) in transaction.metadata {
            if let value {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO mqtt_metadata (key, value) VALUES (?, ?)")
                    .execute(arguments: [key, value])
            } else {
                try db.cachedStatement(sql: "DELETE FROM mqtt_metadata WHERE key = ?").execute(arguments: [key])
            }
        }
    }

    /// The record's packet as an MQTT 5 PUBLISH (every property kept).
    static func encode(_ record: MQTTStoredPublish) throws -> Data {
        var packet = record.packet
        packet.packetIdentifier = packet.qos == .atMostOnce ? nil : (record.packetIdentifier ?? 1)
        packet.dup = false
        var buffer = ByteBuffer()
        try MQTTPacket.publish(packet).encode(into: &buffer, version: .v5_0)
        return Data(buffer.readableBytesView)
    }

    static func decode(_ bytes: Data, sequence: UInt64) throws(MQTTError) -> MQTTPublishPacket {
        var buffer = ByteBuffer(bytes: bytes)
        var decoder = MQTTFrameDecoder(version: .v5_0)
        let packet: MQTTPacket?
        do {
            packet = try decoder.decode(&buffer)
        } catch {
            throw MQTTError(
                code: .sessionStoreFailure, message: "stored publish \(sequence) does not decode: \(error)",
                cause: error)
        }
        guard case .publish(let publish) = packet, buffer.readableBytes == 0 else {
            let what = packet.map { "a \($0.packetType) packet" } ?? "truncated"
            throw MQTTError(code: .sessionStoreFailure, message: "stored publish \(sequence) does not decode: \(what)")
        }
        return publish
    }

    static func failure(_ context: String, _ error: any Error) -> MQTTError {
        if let error = error as? MQTTError, error.code == .sessionStoreFailure { return error }
        if let error = error as? DatabaseError,
            error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
        {
            return MQTTError(
                code: .sessionStoreFailure, message: "\(context): the file is not a valid SQLite database (\(error))",
                cause: error)
        }
        return MQTTError(code: .sessionStoreFailure, message: "\(context): \(error)", cause: error)
    }
}
