import Foundation
import GRDB
import MQTT5
import MQTT5Persistence
import NIOCore
import Testing

@Suite("Session store contract (in memory and SQLite)")
struct MQTTSessionStoreContractTests {
    static func publish(_ topic: String, qos: MQTTQoS = .atLeastOnce, payload: String = "x") -> MQTTPublishPacket {
        var properties = MQTTProperties()
        properties.contentType = "text/plain"
        properties.userProperties = [MQTTUserProperty(name: "k", value: "v")]
        properties.messageExpiryInterval = 60
        return MQTTPublishPacket(topic: topic, payload: ByteBuffer(string: payload), qos: qos, properties: properties)
    }

    @Test("A new store is empty and belongs to its client identifier", arguments: SessionStoreKind.allCases)
    func empty(kind: SessionStoreKind) throws {
        let location = try SessionStoreKind.Location(kind: kind, clientIdentifier: "device-1")
        defer { location.remove() }
        let snapshot = try location.open().load()
        #expect(snapshot == MQTTSessionSnapshot(clientIdentifier: "device-1"))
    }

    @Test("Committed transactions are what a reopened store loads", arguments: SessionStoreKind.allCases)
    func roundTrip(kind: SessionStoreKind) throws {
        let location = try SessionStoreKind.Location(kind: kind, clientIdentifier: "device-1")
        defer { location.remove() }
        let store = try location.open()
        var first = MQTTSessionStoreTransaction()
        first.sessionExpiryInterval = 300
        first.savedPublishes = [
            MQTTStoredPublish(sequence: 1, packetIdentifier: 10, packet: Self.publish("a")),
            MQTTStoredPublish(sequence: 2, packetIdentifier: 11, packet: Self.publish("b", qos: .exactlyOnce)),
            MQTTStoredPublish(sequence: 3, packetIdentifier: nil, packet: Self.publish("c", payload: "queued")),
        ]
        first.addedInboundPacketIdentifiers = [7, 8]
        first.metadata = ["next": "4", "other": "x"]
        try store.commit(first)

        var second = MQTTSessionStoreTransaction()
        second.removedPublishes = [1]
        second.savedPublishes = [
            MQTTStoredPublish(
                sequence: 2, packetIdentifier: 11, isReleased: true, packet: Self.publish("b", qos: .exactlyOnce))
        ]
        second.removedInboundPacketIdentifiers = [7]
        second.metadata = ["next": "5", "other": nil]
        try store.commit(second)
        try store.commit(MQTTSessionStoreTransaction())  // empty: nothing changes

        let loaded = try location.open().load()
        #expect(loaded.clientIdentifier == "device-1")
        #expect(loaded.sessionExpiryInterval == 300)
        #expect(loaded.publishes.map(\.sequence) == [2, 3])
        #expect(loaded.publishes.map(\.packetIdentifier) == [11, nil])
        #expect(loaded.publishes.map(\.isReleased) == [true, false])
        let b = try #require(loaded.publishes.first?.packet)
        #expect(b.topic == "b" && b.qos == .exactlyOnce && String(buffer: b.payload) == "x")
        #expect(b.properties.contentType == "text/plain")
        #expect(b.properties.userProperties == [MQTTUserProperty(name: "k", value: "v")])
        #expect(b.properties.messageExpiryInterval == 60)
        #expect(String(buffer: loaded.publishes[1].packet.payload) == "queued")
        #expect(loaded.inboundPacketIdentifiers == [8])
        #expect(loaded.metadata == ["next": "5"])

        var third = MQTTSessionStoreTransaction()
        third.removesAllInboundPacketIdentifiers = true
        third.addedInboundPacketIdentifiers = [9]
        try store.commit(third)
        #expect(try location.open().load().inboundPacketIdentifiers == [9])
    }

    @Test("The client refuses a store of another client identifier", arguments: SessionStoreKind.allCases)
    func otherClient(kind: SessionStoreKind) async throws {
        let location = try SessionStoreKind.Location(kind: kind, clientIdentifier: "device-1")
        defer { location.remove() }
        var configuration = try MQTTClient.Configuration(url: "mqtt://127.0.0.1:1", clientIdentifier: "device-2")
        configuration.sessionStore = try location.open()
        let client = MQTTClient(configuration: configuration)
        client.start()
        let error = await #expect(throws: MQTTError.self) { try await client.waitForConnection(timeout: .seconds(5)) }
        #expect(error?.code == .clientStopped)
        let cause = error?.cause.map { "\($0)" } ?? ""
        #expect(cause.contains("belongs to client 'device-1'"))
        await client.stop()
    }

    @Test("A SQLite store of another client identifier is refused when opened")
    func sqliteOtherClient() throws {
        let location = try SessionStoreKind.Location(kind: .sqlite, clientIdentifier: "device-1")
        defer { location.remove() }
        _ = try location.open()
        let error = #expect(throws: MQTTError.self) {
            try MQTTSQLiteSessionStore(path: location.path, clientIdentifier: "device-2")
        }
        #expect(error?.code == .sessionStoreFailure)
        #expect(error?.message.contains("belongs to client 'device-1', not 'device-2'") == true)
    }

    @Test("A file of garbage is refused with a clear error, not a crash")
    func garbage() throws {
        let location = try SessionStoreKind.Location(kind: .sqlite, clientIdentifier: "device-1")
        defer { location.remove() }
        var bytes = [UInt8](repeating: 0, count: 8192)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 7919 &+ 13) }
        try Data(bytes).write(to: URL(fileURLWithPath: location.path))
        let error = #expect(throws: MQTTError.self) {
            try MQTTSQLiteSessionStore(path: location.path, clientIdentifier: "device-1")
        }
        #expect(error?.code == .sessionStoreFailure)
        #expect(error?.message.contains("not a valid SQLite database") == true)
    }

    @Test("Another application's SQLite database is refused and left untouched")
    func foreignDatabase() throws {
        let location = try SessionStoreKind.Location(kind: .sqlite, clientIdentifier: "device-1")
        defer { location.remove() }
        try DatabaseQueue(path: location.path).write { db in try db.execute(sql: "CREATE TABLE invoices (id INTEGER)") }
        let error = #expect(throws: MQTTError.self) {
            try MQTTSQLiteSessionStore(path: location.path, clientIdentifier: "device-1")
        }
        #expect(error?.code == .sessionStoreFailure)
        #expect(error?.message.contains("another application (tables: invoices)") == true)
        let tables = try DatabaseQueue(path: location.path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables == ["invoices"])
    }

    @Test("A stored packet that does not decode is reported, not trusted")
    func corruptRecord() throws {
        let location = try SessionStoreKind.Location(kind: .sqlite, clientIdentifier: "device-1")
        defer { location.remove() }
        let store = try location.open()
        var transaction = MQTTSessionStoreTransaction()
        transaction.savedPublishes = [MQTTStoredPublish(sequence: 1, packetIdentifier: 1, packet: Self.publish("a"))]
        try store.commit(transaction)
        try DatabaseQueue(path: location.path).write { db in
            try db.execute(sql: "UPDATE mqtt_outbound SET packet = x'300501'")
        }
        let error = #expect(throws: MQTTError.self) { try location.open().load() }
        #expect(error?.code == .sessionStoreFailure)
        #expect(error?.message.contains("stored publish 1 does not decode") == true)
    }
}
