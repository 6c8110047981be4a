import Synchronization

/// A session store in memory: the session survives a client (a new client created with the same
/// store resumes it) but not the process. Commits run inline on the event loop.
///
/// A client without a ``MQTTClient/Configuration/sessionStore`` keeps its session in its own
/// memory for free; this store is for sharing a session between successive clients of one
/// process, and for testing code written against ``MQTTSessionStore``.
public final class MQTTInMemorySessionStore: MQTTSessionStore {
    /// The client identifier the session belongs to.
    public let clientIdentifier: String
    private let snapshot: Mutex<MQTTSessionSnapshot>

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
        self.snapshot = Mutex(MQTTSessionSnapshot(clientIdentifier: clientIdentifier))
    }

    /// `true`: committing is a few dictionary operations.
    public var commitsInline: Bool { true }

    /// The session as last committed.
    ///
    /// - Returns: A copy of the stored session.
    public func load() throws(MQTTError) -> MQTTSessionSnapshot {
        snapshot.withLock { $0 }
    }

    /// Applies `transaction`.
    ///
    /// - Parameter transaction: The changes.
    public func commit(_ transaction: MQTTSessionStoreTransaction) throws(MQTTError) {
        snapshot.withLock { $0.apply(transaction) }
    }
}
