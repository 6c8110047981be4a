import NIOCore

// Journaling for a session store, and restoring a stored session. Every journal method is a
// no-op without a store (``journal`` is `nil`).
extension MQTTConnectionStateMachine {
    /// Gives a queued QoS 1 or 2 publish its sequence and records it (the offline queue is kept).
    mutating func journalQueued(_ queued: inout QueuedOperation) {
        guard journal != nil, queued.key == 0, case .publish(let packet) = queued.operation,
            packet.qos != .atMostOnce
        else { return }
        queued.key = takeSequence()
        journal?.insert(Self.record(packet, sequence: queued.key, identifier: nil))
    }

    /// A QoS 1 or 2 publish goes out with `identifier`: recorded before it leaves.
    mutating func journalSent(_ entry: InFlightOperation, identifier: UInt16, isNew: Bool) {
        guard journal != nil, case .publish(let packet) = entry.operation else { return }
        let record = Self.record(packet, sequence: entry.sequence, identifier: identifier)
        if isNew { journal?.insert(record) } else { journal?.update(record) }
    }

    /// A QoS 2 publish is past PUBREC: its PUBREL is what a resumed session sends again.
    mutating func journalReleased(_ entry: InFlightOperation, identifier: UInt16) {
        guard journal != nil, case .publish(let packet) = entry.operation else { return }
        journal?.update(Self.record(packet, sequence: entry.sequence, identifier: identifier, released: true))
    }

    /// A sent publish goes back to the queue as a new message (the broker had no session).
    mutating func journalRequeued(_ queued: QueuedOperation) {
        guard journal != nil, queued.key != 0, case .publish(let packet) = queued.operation else { return }
        journal?.update(Self.record(packet, sequence: queued.key, identifier: nil))
    }

    /// A journaled publish's flow ended (`key` 0: it was never journaled).
    mutating func journalRemove(_ key: UInt64) {
        guard key != 0 else { return }
        journal?.remove(key)
    }

    static func record(
        _ packet: MQTTPublishPacket, sequence: UInt64, identifier: UInt16?, released: Bool = false
    ) -> MQTTStoredPublish {
        var packet = packet
        packet.packetIdentifier = identifier
        packet.dup = false
        packet.properties.topicAlias = nil
        packet.properties.subscriptionIdentifiers = []
        return MQTTStoredPublish(sequence: sequence, packetIdentifier: identifier, isReleased: released, packet: packet)
    }

    /// Takes in a stored session (before connecting): sent publishes become in flight again (sent
    /// again with DUP, or their PUBREL, once a CONNACK says the session is present), queued ones
    /// are queued ahead of anything submitted since, and the inbound QoS 2 identifiers are kept.
    /// Records the machine already holds are skipped.
    ///
    /// - Returns: The restored records, with the token each was given.
    mutating func restore(
        _ snapshot: MQTTSessionSnapshot, now: NIODeadline, token: (MQTTStoredPublish) -> Token
    ) -> [MQTTStoredPublish] {
        var known = Set(queue.map(\.key))
        known.formUnion(inFlight.values.map(\.sequence))
        var restored: [MQTTStoredPublish] = []
        var queued: [QueuedOperation] = []
        for record in snapshot.publishes where !known.contains(record.sequence) {
            var packet = record.packet
            packet.dup = false
            let size = (try? MQTTPacketSize.publish(packet, version: version)) ?? packet.payload.readableBytes
            nextSequence = max(nextSequence, record.sequence)
            if let identifier = record.packetIdentifier, inFlight[identifier] == nil, packet.qos != .atMostOnce {
                packet.packetIdentifier = identifier
                let stage: FlowStage =
                    record.isReleased
                    ? .awaitingPubComp(MQTTPubRecPacket(packetIdentifier: identifier))
                    : packet.qos == .atLeastOnce ? .awaitingPubAck : .awaitingPubRec
                insertInFlight(
                    InFlightOperation(
                        operation: .publish(packet), stage: stage, token: token(record), size: size, sentAt: now,
                        sequence: record.sequence, isRecovered: true),
                    identifier: identifier)
                nextPacketIdentifier = identifier == UInt16.max ? 1 : identifier + 1
            } else {
                packet.packetIdentifier = nil
                queued.append(
                    QueuedOperation(
                        operation: .publish(packet), token: token(record), size: size, key: record.sequence,
                        isRecovered: true))
            }
            restored.append(record)
        }
        for operation in queued.reversed() { addQueued(operation, atFront: true) }
        inboundQoS2.formUnion(snapshot.inboundPacketIdentifiers)
        return restored
    }
}
