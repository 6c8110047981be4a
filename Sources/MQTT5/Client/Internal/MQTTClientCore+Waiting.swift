import NIOCore

/// A bounded wait for a lifecycle condition (disconnected, stopped), confined to the core's
/// event loop: completes its promise once, from the event that reaches the condition, the
/// timeout, or cancellation, and then removes its listener and timer.
final class MQTTLifecycleWaiter: @unchecked Sendable {
    let promise: EventLoopPromise<Void>
    var listenerID: MQTTListenerID?
    var timer: Scheduled<Void>?
    private(set) var isDone = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    /// Completes the wait (the first call wins) and releases the listener and the timer.
    func finish(_ core: MQTTClientCore, _ result: Result<Void, MQTTError>) {
        guard !isDone else { return }
        isDone = true
        timer?.cancel()
        timer = nil
        if let listenerID { core.removeListener(listenerID) }
        switch result {
        case .success: promise.succeed()
        case .failure(let error): promise.fail(error)
        }
    }
}

extension MQTTClientCore {
    /// Whether no transport is open and the client does not try to open one.
    var isStopped: Bool {
        reconnect.state == .stopped
    }

    /// Completes `waiter` when `reached` holds now, or at the first event for which `reachedBy`
    /// holds, or fails it with ``MQTTError/Code/timedOut`` after `timeout`.
    func wait(
        _ waiter: MQTTLifecycleWaiter, timeout: TimeAmount, for what: String, reached: Bool,
        reachedBy: @escaping (MQTTClientEvent) -> Bool
    ) {
        if reached {
            waiter.finish(self, .success(()))
            return
        }
        waiter.listenerID = addEventListener { [self] event in
            if reachedBy(event) { waiter.finish(self, .success(())) }
        }
        waiter.timer = eventLoop.scheduleTask(in: timeout) { [self] in
            waiter.finish(
                self, .failure(MQTTError(code: .timedOut, message: "not \(what) within \(Machine.describe(timeout))")))
        }
    }

    /// Gives up on closing the connection gracefully: closes it and, when its closure does not
    /// complete at once (a TLS peer that never answers close_notify, a stuck pipeline), treats it
    /// as closed, so that a stop in progress completes now. A later closure is ignored.
    func abandonConnection() {
        guard let handler = connection else { return }
        handler.close()
        channelClosed(handler)
    }
}
