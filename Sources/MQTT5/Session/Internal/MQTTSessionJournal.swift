/// The session changes made since the last commit, compacted as they are recorded: a record
/// inserted and removed before the commit leaves nothing to write, a record saved twice is
/// written once. ``MQTTConnectionStateMachine`` records into it only when a store is configured
/// (the journal is `nil` otherwise, so the default costs nothing).
struct MQTTSessionJournal {
    /// Records to save (`some`) or remove (`none`), by sequence.
    private var publishes: [UInt64: MQTTStoredPublish?] = [:]
    /// Sequences first inserted since the last commit (absent from the store).
    private var inserted: Set<UInt64> = []
    /// Inbound QoS 2 identifiers added (`true`) or removed (`false`).
    private var inbound: [UInt16: Bool] = [:]
    private var removesAllInbound = false
    private var sessionExpiryInterval: UInt32?
    private var metadata: [String: String?] = [:]

    var isEmpty: Bool {
        publishes.isEmpty && inbound.isEmpty && !removesAllInbound && sessionExpiryInterval == nil && metadata.isEmpty
    }

    /// A record that is not in the store yet.
    mutating func insert(_ record: MQTTStoredPublish) {
        publishes[record.sequence] = record
        inserted.insert(record.sequence)
    }

    /// A record already inserted (maybe committed) changed.
    mutating func update(_ record: MQTTStoredPublish) {
        publishes[record.sequence] = record
    }

    /// A record's flow ended.
    mutating func remove(_ sequence: UInt64) {
        if inserted.remove(sequence) != nil {
            publishes.removeValue(forKey: sequence)
        } else {
            publishes[sequence] = .some(nil)
        }
    }

    mutating func addInbound(_ identifier: UInt16) {
        inbound[identifier] = true
    }

    mutating func removeInbound(_ identifier: UInt16) {
        inbound[identifier] = false
    }

    mutating func removeAllInbound() {
        inbound.removeAll()
        removesAllInbound = true
    }

    mutating func connected(sessionExpiryInterval interval: UInt32) {
        sessionExpiryInterval = interval
    }

    mutating func setMetadata(_ values: [String: String?]) {
        metadata.merge(values) { _, new in new }
    }

    /// The transaction of everything recorded, and a fresh journal.
    mutating func take() -> MQTTSessionStoreTransaction {
        var transaction = MQTTSessionStoreTransaction()
        guard !isEmpty else { return transaction }
        transaction.sessionExpiryInterval = sessionExpiryInterval
        transaction.removesAllInboundPacketIdentifiers = removesAllInbound
        for (identifier, added) in inbound {
            if added {
                transaction.addedInboundPacketIdentifiers.append(identifier)
            } else {
                transaction.removedInboundPacketIdentifiers.append(identifier)
            }
        }
        for (sequence, record) in publishes {
            if let record {
                transaction.savedPublishes.append(record)
            } else {
                transaction.removedPublishes.append(sequence)
            }
        }
        transaction.savedPublishes.sort { $0.sequence < $1.sequence }
        transaction.metadata = metadata
        self = MQTTSessionJournal()
        return transaction
    }
}
