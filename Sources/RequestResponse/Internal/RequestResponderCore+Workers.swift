// The workers of `RequestResponder.run()`: long-lived tasks in its task group, each running one
// handler at a time. A request costs one hand-off from the event loop to an idle worker and one
// hop back (which publishes the handler's replies, counts it finished and hands the worker its
// next request), instead of a task per request and a wake-up per acknowledgement.

import NIOCore

extension RequestResponderCore {
    /// Runs `first`, then every job the event loop hands back when this worker reports, until it
    /// hands `nil` (the run ended).
    func work(first: Job) async {
        if options.handlerExecutor != nil {
            // A task added with an executor preference does not always start on that executor
            // (seen with Swift 6.3: a worker's first handler ran on the default executor in
            // about one test run in 25); a continuation resumed from the loop always lands on
            // it, as every later job shows. One hop per worker, and workers are reused.
            await withUnsafeContinuation { (onPreferred: UnsafeContinuation<Void, Never>) in
                eventLoop.execute { onPreferred.resume() }
            }
        }
        var next: Job? = first
        while let job = next {
            let outcome = await Self.execute(job, core: self)
            next = await withUnsafeContinuation { (worker: Worker) in
                eventLoop.execute { self.workerFinished(job, outcome, worker: worker) }
            }
        }
    }

    /// A worker finished `job`: it becomes the most recently idle worker (so the next queued job
    /// goes to it, still warm), or stops when the run is over.
    private func workerFinished(_ job: Job, _ outcome: Outcome, worker: Worker) {
        if case .run = dispatch {
            idleWorkers.append(worker)
        } else {
            worker.resume(returning: nil)
        }
        jobFinished(job, outcome)
    }

    /// Stops the idle workers (the run is over).
    func releaseIdleWorkers() {
        let workers = idleWorkers
        idleWorkers = []
        for worker in workers { worker.resume(returning: nil) }
    }
}
