@testable import MQTT5
import NIOCore
import Testing

/// Drives the connection state machine with a session store the way the client does (the
/// changes of each event are committed before its packets leave), and at every crash point
/// (before the commit, and between the commit and the send) restarts from the store: the restarted
/// client must send again every flow the broker may hold, with the same packet identifiers.
@Suite("Write-ahead: a restart at any crash point resumes every flow (in memory and SQLite)")
struct WriteAheadCrashPointTests {
    typealias Machine = MQTTConnectionStateMachine<Int>
    typealias Action = MQTTConnectionAction<Int>

    /// What the broker may hold of a flow, from the packets that left the client.
    enum Wire: Equatable {
        /// PUBLISH sent: a restart must send it again (DUP, same identifier).
        case publish
        /// PUBLISH sent and PUBREC received: a restart sends it again or its PUBREL.
        case received
        /// PUBREL sent: a restart must send the PUBREL again.
        case released
    }

    struct Driver {
        let location: SessionStoreKind.Location
        let store: any MQTTSessionStore
        var machine: Machine
        var now = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
        /// Outbound flows as the broker may see them, by packet identifier.
        var wire: [UInt16: Wire] = [:]
        /// Inbound QoS 2 identifiers whose PUBREC left (the application has the message).
        var acknowledgedInbound: Set<UInt16> = []
        var crashPoints = 0

        init(_ location: SessionStoreKind.Location) throws {
            self.location = location
            self.store = try location.open()
            machine = Machine(configuration: Machine.Configuration())
            machine.configuration.ackTimeout = nil
            machine.journal = MQTTSessionJournal()
        }

        /// One event: crash check, commit, crash check, then the packets leave.
        @discardableResult
        mutating func step(_ body: (inout Machine, NIODeadline, inout [Action]) -> Void) throws -> [Action] {
            var actions: [Action] = []
            body(&machine, now, &actions)
            let transaction = machine.journal?.take() ?? MQTTSessionStoreTransaction()
            try checkRestart()  // crash before the commit
            try store.commit(transaction)
            try checkRestart()  // crash after the commit, before the send
            for action in actions {
                guard case .send(let packet) = action else { continue }
                switch packet {
                case .publish(let publish) where publish.qos != .atMostOnce:
                    wire[publish.packetIdentifier ?? 0] = .publish
                case .pubRel(let pubRel):
                    wire[pubRel.packetIdentifier] = .released
                case .pubRec(let pubRec):
                    acknowledgedInbound.insert(pubRec.packetIdentifier)
                default:
                    break
                }
            }
            return actions
        }

        @discardableResult
        mutating func receive(_ packet: MQTTPacket) throws -> [Action] {
            switch packet {
            case .pubAck(let ack): wire.removeValue(forKey: ack.packetIdentifier)
            case .pubComp(let comp): wire.removeValue(forKey: comp.packetIdentifier)
            case .pubRec(let rec): if wire[rec.packetIdentifier] == .publish { wire[rec.packetIdentifier] = .received }
            case .pubRel(let rel): acknowledgedInbound.remove(rel.packetIdentifier)
            default: break
            }
            return try step { machine, now, actions in machine.receive(packet, now: now, into: &actions) }
        }

        @discardableResult
        mutating func publish(_ topic: String, qos: MQTTQoS) throws -> [Action] {
            try step { machine, now, actions in
                machine.submit(
                    .publish(MQTTPublishPacket(topic: topic, payload: ByteBuffer(string: topic), qos: qos)), token: 1,
                    now: now, into: &actions)
            }
        }

        /// A new process opens the store, restores, and reconnects to a broker that kept the session.
        mutating func checkRestart() throws {
            crashPoints += 1
            let snapshot = try location.open().load()
            var restarted = Machine(configuration: machine.configuration)
            restarted.journal = MQTTSessionJournal()
            _ = restarted.restore(snapshot, now: now) { _ in 0 }
            var actions: [Action] = []
            restarted.connectionEstablished(
                connect: MQTTConnectPacket(
                    protocolVersion: .v5_0, cleanStart: false, keepAlive: 60, clientIdentifier: "c"),
                now: now, into: &actions)
            restarted.receive(.connAck(MQTTConnAckPacket(sessionPresent: true)), now: now, into: &actions)
            var resent: [UInt16: Wire] = [:]
            for action in actions {
                guard case .send(let packet) = action else { continue }
                switch packet {
                case .publish(let publish) where publish.dup: resent[publish.packetIdentifier ?? 0] = .publish
                case .pubRel(let pubRel): resent[pubRel.packetIdentifier] = .released
                default: break
                }
            }
            for (identifier, state) in wire {
                switch state {
                case .publish, .released:
                    #expect(resent[identifier] == state, "crash point \(crashPoints): flow \(identifier) is \(state)")
                case .received:
                    #expect(resent[identifier] != nil, "crash point \(crashPoints): flow \(identifier) is \(state)")
                }
            }
            // Inbound: a redelivery of a message the application has is acknowledged, not delivered.
            for identifier in acknowledgedInbound {
                var redelivery: [Action] = []
                var copy = restarted
                copy.receive(
                    .publish(
                        MQTTPublishPacket(
                            topic: "in", payload: ByteBuffer(), qos: .exactlyOnce, dup: true,
                            packetIdentifier: identifier)),
                    now: now, into: &redelivery)
                #expect(
                    !redelivery.contains { if case .deliver = $0 { true } else { false } },
                    "crash point \(crashPoints): inbound \(identifier) delivered twice")
            }
        }
    }

    @Test("QoS 1 and 2 flows, both directions, offline queue", arguments: SessionStoreKind.allCases)
    func everyCrashPoint(kind: SessionStoreKind) throws {
        let location = try SessionStoreKind.Location(kind: kind, clientIdentifier: "c")
        defer { location.remove() }
        var driver = try Driver(location)
        try driver.step { machine, now, actions in
            machine.connectionEstablished(
                connect: MQTTConnectPacket(
                    protocolVersion: .v5_0, cleanStart: true, keepAlive: 60, clientIdentifier: "c"),
                now: now, into: &actions)
        }
        try driver.receive(
            .connAck(
                MQTTConnAckPacket(
                    properties: {
                        var p = MQTTProperties(); p.receiveMaximum = 3; return p
                    }())))
        let a = try driver.publish("a", qos: .atLeastOnce).compactMap(Self.identifier)
        let b = try driver.publish("b", qos: .exactlyOnce).compactMap(Self.identifier)
        let c = try driver.publish("c", qos: .exactlyOnce).compactMap(Self.identifier)
        // Beyond the broker's Receive Maximum: queued.
        #expect(try driver.publish("d", qos: .atLeastOnce).compactMap(Self.identifier).isEmpty)
        try #require(a.count == 1 && b.count == 1 && c.count == 1)
        try driver.receive(.pubRec(MQTTPubRecPacket(packetIdentifier: b[0])))
        let drained = try driver.receive(.pubAck(MQTTPubAckPacket(packetIdentifier: a[0]))).compactMap(Self.identifier)
        #expect(drained.count == 1)  // "d" left the queue
        try driver.receive(
            .publish(
                MQTTPublishPacket(
                    topic: "in", payload: ByteBuffer(string: "1"), qos: .exactlyOnce, packetIdentifier: 40)))
        try driver.receive(.pubComp(MQTTPubCompPacket(packetIdentifier: b[0])))
        try driver.receive(.pubRec(MQTTPubRecPacket(packetIdentifier: c[0])))
        try driver.receive(.pubRel(MQTTPubRelPacket(packetIdentifier: 40)))
        try driver.receive(.pubAck(MQTTPubAckPacket(packetIdentifier: drained[0])))
        try driver.receive(.pubComp(MQTTPubCompPacket(packetIdentifier: c[0])))
        #expect(driver.wire.isEmpty)
        #expect(driver.crashPoints >= 22)
        let final = try location.open().load()
        #expect(final.publishes.isEmpty)
        #expect(final.inboundPacketIdentifiers.isEmpty)
    }

    @Test(
        "Queued while offline: a restart sends the queued publishes as new messages",
        arguments: SessionStoreKind.allCases)
    func offlineQueue(kind: SessionStoreKind) throws {
        let location = try SessionStoreKind.Location(kind: kind, clientIdentifier: "c")
        defer { location.remove() }
        var driver = try Driver(location)
        try driver.publish("q1", qos: .atLeastOnce)
        try driver.publish("q2", qos: .exactlyOnce)
        try driver.publish("q0", qos: .atMostOnce)  // QoS 0 is not kept
        let snapshot = try location.open().load()
        #expect(snapshot.publishes.map(\.packet.topic) == ["q1", "q2"])
        #expect(snapshot.publishes.allSatisfy { $0.packetIdentifier == nil })
        var restarted = Machine(configuration: Machine.Configuration())
        _ = restarted.restore(snapshot, now: driver.now) { $0.packet.topic == "q1" ? 1 : 2 }
        var actions: [Action] = []
        restarted.connectionEstablished(
            connect: MQTTConnectPacket(protocolVersion: .v5_0, cleanStart: true, keepAlive: 60, clientIdentifier: "c"),
            now: driver.now, into: &actions)
        restarted.receive(.connAck(MQTTConnAckPacket()), now: driver.now, into: &actions)
        let sent = actions.compactMap { action -> MQTTPublishPacket? in
            if case .send(.publish(let publish)) = action { publish } else { nil }
        }
        #expect(sent.map(\.topic) == ["q1", "q2"])
        #expect(sent.allSatisfy { !$0.dup && $0.packetIdentifier != nil })
    }

    static func identifier(_ action: MQTTConnectionAction<Int>) -> UInt16? {
        if case .send(.publish(let publish)) = action { publish.packetIdentifier } else { nil }
    }
}
