public import ServiceLifecycle

extension RequestResponder: Service {
    /// Serves until a graceful shutdown or the cancellation of the calling task, running every
    /// handler in this task's task group (at most ``Options/maxConcurrentHandlers`` at once, on
    /// worker tasks that each run one handler after another, on ``Options/handlerExecutor``
    /// when it is set).
    ///
    /// On graceful shutdown it stops taking requests (unsubscribes every filter), lets the
    /// requests already received finish within ``Options/shutdownGracePeriod``, cancels the
    /// handlers still running after that, waits for them and returns. On cancellation it
    /// unsubscribes and cancels the handlers at once. Register what to serve
    /// (``serve(topicFilter:operationName:handler:)`` or a generated `register(on:)`) before or
    /// while it runs; a responder runs once.
    ///
    /// - Throws: ``RequestResponseError`` with code `clientShutDown` when the responder was
    ///   closed, `invalidArgument` when it is already running.
    public func run() async throws {
        let core = self.core
        let (events, continuation) = AsyncStream.makeStream(of: RequestResponderCore.RunEvent.self)
        try await core.attach(continuation).get()
        await withDiscardingTaskGroup { group in
            await withTaskCancellationOrGracefulShutdownHandler {
                for await event in events {
                    switch event {
                    case .startWorker(let job):
                        // Plain `addTask` without a preference: asking for no preference still
                        // costs a look-up on every resume.
                        if let executor = core.options.handlerExecutor {
                            group.addTask(executorPreference: executor) { await core.work(first: job) }
                        } else {
                            group.addTask { await core.work(first: job) }
                        }
                    case .cancelRemaining:
                        group.cancelAll()
                    }
                }
            } onCancelOrGracefulShutdown: {
                core.beginShutdown()
            }
        }
    }
}
