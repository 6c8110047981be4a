import NIOCore
import Synchronization

/// A set of ``MQTTClientListeners`` registered with an ``MQTTClient``; ``remove()`` ends it.
///
/// Dropping the registration does not remove the listeners: they live as long as the client
/// unless removed (as with the callbacks of AWS CRT and the Python SDK). The registration does
/// not keep the client alive.
public final class MQTTListenerRegistration: Sendable {
    /// The registration's identifier.
    public let id: MQTTListenerID
    private let core: MQTTClientCore
    private let task: Task<Void, Never>

    /// The registration whose callback the current task is running, if any.
    @TaskLocal static var current: MQTTListenerID?

    /// Numbers registrations without a hop to the event loop; the top bit keeps them apart from
    /// the identifiers the client core assigns to its other listeners.
    private static let nextNumber = Atomic<UInt64>(0)

    /// A fresh identifier for a registration.
    static func makeID() -> MQTTListenerID {
        let number = nextNumber.wrappingAdd(1, ordering: .relaxed).newValue
        return MQTTListenerID(rawValue: (1 << 63) | number)
    }

    init(id: MQTTListenerID, core: MQTTClientCore, task: Task<Void, Never>) {
        self.id = id
        self.core = core
        self.task = task
    }

    /// Removes the listeners: events and messages from now on are not delivered, those still
    /// buffered are dropped, and when this returns no callback of the registration is running
    /// or will run (called from one of its own callbacks, it returns at once and the callbacks
    /// stop after the current one). Idempotent.
    public func remove() async {
        let id = self.id
        let core = self.core
        let removed = core.eventLoop.makePromise(of: Void.self)
        core.eventLoop.execute {
            core.removeListener(id)
            removed.succeed()
        }
        try? await removed.futureResult.get()
        task.cancel()
        if Self.current != id {
            await task.value
        }
    }
}
