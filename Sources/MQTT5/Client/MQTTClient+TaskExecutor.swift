public import NIOCore

/// A task executor that runs jobs on one NIO event loop, for code that chooses to run where a
/// client's connection runs (``MQTTClient/taskExecutor``).
///
/// A task that prefers this executor (`withTaskExecutorPreference(_:operation:)`,
/// `group.addTask(executorPreference:)`) resumes on the event loop: an `await` on the client
/// costs no thread hand-off in either direction, which is what a sequential, latency-bound loop
/// of requests pays for most (two thread wake-ups per round trip otherwise). The price is that
/// the task's code runs on the event loop: while it computes, the connection reads and writes
/// nothing, so keep such code short and never block in it (no locks held across I/O, no
/// synchronous file or network calls). Code that is not latency-bound is better off on the
/// default executor, which spreads work over all cores.
///
/// Hummingbird runs request handlers on their channel's event loop the same way.
///
/// The event loop must outlive the tasks that prefer it: NIO drops a job enqueued on a loop that
/// has shut down, and that task never resumes. The default group of ``MQTTClient``
/// (`MultiThreadedEventLoopGroup.singleton`) is never shut down; with a group of your own, end
/// those tasks before shutting it down.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The event loop the jobs run on.
    public let eventLoop: any EventLoop

    /// Creates an executor that runs jobs on `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the event loop, after what it is already doing.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension MQTTClient {
    /// A task executor on the client's ``eventLoop``, for latency-bound callers that opt in to
    /// running their own code there (see ``EventLoopTaskExecutor``).
    ///
    /// ```swift
    /// await withTaskExecutorPreference(client.taskExecutor) {
    ///     for reading in readings {
    ///         try await client.publish(to: "sensors/1", payload: reading, qos: .atLeastOnce)
    ///     }
    /// }
    /// ```
    public var taskExecutor: EventLoopTaskExecutor { EventLoopTaskExecutor(eventLoop) }
}
