import DequeModule
import NIOCore

/// Identifies the PUBACK or PUBREC owed for one received publish. Unique for the life of a
/// client (a number that only grows), so an identifier from an earlier connection never matches.
struct MQTTInboundAcknowledgementID: Hashable, Sendable {
    var sequence: UInt64
}

/// The acknowledgements owed for received QoS 1 and 2 publishes, in arrival order.
///
/// MQTT 5 (section 4.6, MQTT-4.6.0-2 and -3) requires PUBACKs and PUBRECs in the order the
/// publishes were received. An application may acknowledge out of order (a deferred
/// acknowledgement); the queue then holds the later ones until every earlier one is released.
struct MQTTInboundAcknowledgements {
    private struct Entry {
        var id: MQTTInboundAcknowledgementID
        var packet: MQTTPacket
        var released: Bool
    }

    private var entries = Deque<Entry>()
    private var nextSequence: UInt64 = 0

    /// How many acknowledgements are owed (released or not).
    var count: Int { entries.count }

    /// Owes `packet` for the publish just received.
    mutating func append(_ packet: MQTTPacket) -> MQTTInboundAcknowledgementID {
        nextSequence &+= 1
        let id = MQTTInboundAcknowledgementID(sequence: nextSequence)
        entries.append(Entry(id: id, packet: packet, released: false))
        return id
    }

    /// Releases `id` and passes the packets now sendable to `send`, in order: `id`'s own only
    /// when every earlier one has been released, followed by later ones already released.
    /// Unknown identifiers (acknowledged twice, or of a connection that has ended) release nothing.
    mutating func release(_ id: MQTTInboundAcknowledgementID, _ send: (MQTTPacket) -> Void) {
        guard let first = entries.first else { return }
        if first.id == id {
            send(entries.removeFirst().packet)
            while let next = entries.first, next.released {
                send(entries.removeFirst().packet)
            }
            return
        }
        // Identifiers increase along the queue: search only where it can be.
        guard id.sequence > first.id.sequence,
            let index = entries.firstIndex(where: { $0.id == id })
        else { return }
        entries[index].released = true
    }

    /// Whether `id` is still owed.
    func contains(_ id: MQTTInboundAcknowledgementID) -> Bool {
        guard let first = entries.first, id.sequence >= first.id.sequence else { return false }
        return entries.contains { $0.id == id && !$0.released }
    }

    /// Forgets every owed acknowledgement (the connection ended: the broker redelivers).
    mutating func removeAll() {
        entries.removeAll()
    }
}

extension MQTTConnectionStateMachine {
    /// Owes `packet` (a PUBACK or PUBREC) for the publish being received.
    mutating func enqueueAcknowledgement(_ packet: MQTTPacket) -> MQTTInboundAcknowledgementID {
        pendingAcknowledgements.append(packet)
    }

    /// The application is done with a received publish: sends its PUBACK or PUBREC, and the
    /// later ones it held back, as soon as every earlier one has been sent (MQTT-4.6.0-2, -3).
    /// Does nothing when not connected or for an identifier of an earlier connection.
    mutating func acknowledge(_ id: MQTTInboundAcknowledgementID, now: NIODeadline, into actions: inout [Action]) {
        guard case .connected = phase else { return }
        var released: MQTTPacket?
        var more: [MQTTPacket] = []  // allocates only when later acknowledgements were held back
        pendingAcknowledgements.release(id) { packet in
            if released == nil { released = packet } else { more.append(packet) }
        }
        if let released { send(released, now: now, into: &actions) }
        for packet in more { send(packet, now: now, into: &actions) }
    }
}
