import Synchronization

/// A session store in memory: the session survives a client (a new client created with the same
/// store resumes it) but not the process. Commits run inline on the event loop.
///
/// A client without a ``MQTTClient/Configuration/sessionStore`` keeps its session in its own
/// memory for free; this store is for sharing a session between successive clients of one
/// process, and for testing code written against ``MQTTSessionStore``.
public final class MQTTInMemorySessionStore: MQTTSessionStore {
    private struct State {
        var sessionExpiryInterval: UInt32?
        var publishes: [UInt64: MQTTStoredPublish] = [:]
        var inbound: Set<UInt16> = []
        var metadata: [String: String] = [:]
    }

    /// The client identifier the session belongs to.
    public let clientIdentifier: String
    private let state = Mutex(State())

    /// Creates an empty store for `clientIdentifier`.
    ///
    /// - Parameter clientIdentifier: The client identifier of the session (not empty).
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/invalidConfiguration`` for an empty identifier.
    public init(clientIdentifier: String) throws(MQTTError) {
        guard !clientIdentifier.isEmpty else {
            throw MQTTError(
                code: .invalidConfiguration,
                message: "a session store needs a client identifier: a broker-assigned one cannot be resumed")
        }
        self.clientIdentifier = clientIdentifier
    }

    /// `true`: committing is a few dictionary operations.
    public var commitsInline: Bool { true }

    /// The session as last committed.
    ///
    /// - Returns: A copy of the stored session.
    public func load() throws(MQTTError) -> MQTTSessionSnapshot {
        state.withLock { state in
            MQTTSessionSnapshot(
                clientIdentifier: clientIdentifier,
                sessionExpiryInterval: state.sessionExpiryInterval,
                publishes: state.publishes.values.sorted { $0.sequence < $1.sequence },
                inboundPacketIdentifiers: state.inbound,
                metadata: state.metadata)
        }
    }

    /// Applies `transaction` (in the order ``MQTTSessionStoreTransaction`` gives).
    ///
    /// - Parameter transaction: The changes.
    public func commit(_ transaction: MQTTSessionStoreTransaction) throws(MQTTError) {
        state.withLock { state in
            if let interval = transaction.sessionExpiryInterval { state.sessionExpiryInterval = interval }
            if transaction.removesAllInboundPacketIdentifiers { state.inbound.removeAll() }
            for identifier in transaction.removedInboundPacketIdentifiers { state.inbound.remove(identifier) }
            for identifier in transaction.addedInboundPacketIdentifiers { state.inbound.insert(identifier) }
            for sequence in transaction.removedPublishes { state.publishes.removeValue(forKey: sequence) }
            for record in transaction.savedPublishes { state.publishes[record.sequence] = record }
            for (key, value) in transaction.metadata {
                if let value { state.metadata[key] = value } else { state.metadata.removeValue(forKey: key) }
            }
        }
    }
}
