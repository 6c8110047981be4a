import NIOCore

extension MQTTClient {
    /// Registers callbacks for lifecycle events and incoming messages (see
    /// ``MQTTClientListeners``): they are called in order, one at a time, by a task of their own,
    /// never on the event loop, from the next event on until ``MQTTListenerRegistration/remove()``
    /// or the client is deallocated.
    ///
    /// - Parameter listeners: The callbacks.
    /// - Returns: The registration, to remove the callbacks.
    @discardableResult
    public func addListeners(_ listeners: MQTTClientListeners) -> MQTTListenerRegistration {
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTListenerItem.self)
        let id = MQTTListenerRegistration.makeID()
        execute { core in core.addListenerStream(continuation, id: id) }
        let task = Task {
            await MQTTListenerRegistration.$current.withValue(id) {
                for await item in stream {
                    if Task.isCancelled { break }
                    await listeners.dispatch(item)
                }
            }
        }
        return MQTTListenerRegistration(id: id, core: core, task: task)
    }

    /// Runs `body` with `listeners` registered, and removes them when `body` returns or throws
    /// (once this returns, no callback runs any more).
    ///
    /// - Parameters:
    ///   - listeners: The callbacks.
    ///   - isolation: The caller's isolation, inherited by `body`.
    ///   - body: What to do while the callbacks are registered.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public func withListeners<Result>(
        _ listeners: MQTTClientListeners,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let registration = addListeners(listeners)
        do {
            let result = try await body()
            await registration.remove()
            return result
        } catch {
            await registration.remove()
            throw error
        }
    }
}
