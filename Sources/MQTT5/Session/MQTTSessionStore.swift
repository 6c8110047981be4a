/// Where a client keeps its half of an MQTT session so that it outlives the process: outbound
/// QoS 1 and 2 publishes not yet completed (with their packet identifiers, DUP and PUBREL
/// state), the queued publishes the offline policy keeps, and the inbound QoS 2 packet
/// identifiers not yet released. Set ``MQTTClient/Configuration/sessionStore`` to use one.
///
/// ## Write-ahead
///
/// The client never lets a packet leave before the session change it implies is committed: the
/// changes of an event-loop turn are collected into one ``MQTTSessionStoreTransaction``; the
/// encoded packets of that turn wait until ``commit(_:)`` returns, and only then are written to
/// the socket (and inbound publishes delivered). A store whose ``commitsInline`` is `false` (a
/// database) is committed on a dedicated serial queue, never on the event loop; while one commit
/// runs, the changes of the following turns accumulate and go in the next one (group commit).
/// A store whose ``commitsInline`` is `true` (memory) is committed on the event loop at once.
/// Without a store (the default) nothing is collected: the session lives in the client's memory
/// at no cost, as it always did.
///
/// ## Identity
///
/// A store belongs to one client identifier (``clientIdentifier``): the client refuses to start
/// with a store of another identifier, and a store implementation refuses to open a file that
/// holds another identifier's session.
///
/// A failed commit stops the client with ``MQTTError/Code/sessionStoreFailure``: it can no
/// longer promise that what it sends survives a crash.
///
/// Stopping a client does not clear its store (the operations it fails are still part of the
/// session): the next start, of this client or another with the same store, resumes them and
/// reports them through ``MQTTClient/recoveredPublishes()``.
public protocol MQTTSessionStore: AnyObject, Sendable {
    /// The client identifier the stored session belongs to.
    var clientIdentifier: String { get }

    /// Whether ``commit(_:)`` is cheap enough to run on the event loop (memory); `false` (the
    /// default) runs it on a dedicated serial queue.
    var commitsInline: Bool { get }

    /// Reads the whole stored session (called by ``MQTTClient/start()``, after any commit in progress).
    ///
    /// - Returns: The session as last committed.
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/sessionStoreFailure`` when it cannot be read.
    func load() throws(MQTTError) -> MQTTSessionSnapshot

    /// Makes `transaction` durable, all of it or none of it, before returning.
    ///
    /// - Parameter transaction: The changes (see ``MQTTSessionStoreTransaction`` for the order).
    /// - Throws: ``MQTTError`` with ``MQTTError/Code/sessionStoreFailure`` when it could not be committed.
    func commit(_ transaction: MQTTSessionStoreTransaction) throws(MQTTError)
}

extension MQTTSessionStore {
    /// `false`: commits run on a dedicated serial queue.
    public var commitsInline: Bool { false }
}
