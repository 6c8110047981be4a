import Foundation
import Histogram
import Synchronization

/// Keeps `concurrency` requests in flight and does the bookkeeping of `benchlib.py`:
/// only requests completing inside the window count, then up to `drain` seconds for stragglers.
///
/// Latencies go into a fixed-size HDR histogram (3 significant digits, 1 µs to 1 hour), allocated
/// once before the loop starts, so a long run measures the library's memory and not a growing
/// array of samples. Percentiles are therefore exact to 0.1%, not interpolated between samples.
final class ClosedLoop: Sendable {
    let concurrency: Int
    private let state = Mutex(State())
    private let nextIndex = Atomic<Int>(0)

    struct State {
        var windowStart: UInt64?
        var windowEnd: UInt64?
        var stopping = false
        var inFlight = 0
        /// Latencies in nanoseconds of the requests that completed inside the window.
        var latencies = ClosedLoop.makeHistogram()
        var windowFailures: [String: Int] = [:]
        var totalFailures: [String: Int] = [:]
        var okTotal = 0
        var issued = 0
    }

    struct Result {
        var fields: [(String, JSONLiteral)]
    }

    init(concurrency: Int) {
        self.concurrency = concurrency
    }

    /// Nanoseconds from 1 µs to 1 hour at 3 significant digits: about 190 KB, fixed.
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram(
            lowestDiscernibleValue: 1_000, highestTrackableValue: 3_600_000_000_000,
            numberOfSignificantValueDigits: .three)
    }

    /// Runs the loop; `issue` performs one request and returns nil on success or a failure kind.
    func run(
        warmup: Double, duration: Double, drain: Double, watch: [(String, Int32)],
        executor: (any TaskExecutor)? = nil,
        issue: @escaping @Sendable (Int) async -> String?
    ) async -> Result {
        let workers = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    // `addTask(executorPreference: nil)` is not free: every resume of such a task
                    // looks up its preference under the task's status lock (perf at c=256: 1.1% of
                    // the samples against 2.3%), so the default executor gets the plain `addTask`.
                    if let executor {
                        group.addTask(executorPreference: executor) { await self.worker(issue) }
                    } else {
                        group.addTask { await self.worker(issue) }
                    }
                }
            }
        }
        try? await Task.sleep(for: .seconds(warmup))
        let cpu0 = watch.map { ($0.0, cpuSeconds(pid: $0.1)) }
        let start = now()
        state.withLock { $0.windowStart = start }
        try? await Task.sleep(for: .seconds(duration))
        let end = now()
        state.withLock {
            $0.windowEnd = end
            $0.stopping = true
        }
        let cpu1 = watch.map { ($0.0, cpuSeconds(pid: $0.1)) }
        let windowSeconds = Double(end - start) / 1e9
        let drainDeadline = now() + UInt64(drain * 1e9)
        while now() < drainDeadline, state.withLock({ $0.inFlight }) > 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let snapshot = state.withLock { $0 }
        workers.cancel()

        let latencies = snapshot.latencies
        let ok = Int(latencies.totalCount)
        func ms(_ ns: Double?) -> JSONLiteral { ns.map { .double(($0 / 1e6 * 1000).rounded() / 1000) } ?? .null }
        var cpu: [(String, JSONLiteral)] = []
        for ((name, before), (_, after)) in zip(cpu0, cpu1) {
            if let before, let after {
                cpu.append((name, .double((1000 * (after - before) / windowSeconds).rounded() / 10)))
            }
        }
        func kinds(_ d: [String: Int]) -> JSONLiteral {
            .object(d.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
        }
        return Result(fields: [
            ("window_s", .double((windowSeconds * 1000).rounded() / 1000)),
            ("ok_in_window", .int(ok)),
            ("req_per_s", .double((Double(ok) / windowSeconds * 10).rounded() / 10)),
            ("p50_ms", ms(ok == 0 ? nil : Double(latencies.valueAtPercentile(50)))),
            ("p99_ms", ms(ok == 0 ? nil : Double(latencies.valueAtPercentile(99)))),
            ("max_ms", ms(ok == 0 ? nil : Double(latencies.maxRecorded))),
            ("failures_in_window", .int(snapshot.windowFailures.values.reduce(0, +))),
            ("failure_kinds_in_window", kinds(snapshot.windowFailures)),
            ("failures_total", .int(snapshot.totalFailures.values.reduce(0, +))),
            ("failure_kinds_total", kinds(snapshot.totalFailures)),
            ("unfinished_after_drain", .int(snapshot.inFlight)),
            ("issued_total", .int(snapshot.issued)),
            ("ok_total", .int(snapshot.okTotal)),
            ("cpu_pct", .object(cpu)),
        ])
    }

    private func worker(_ issue: @Sendable (Int) async -> String?) async {
        while !Task.isCancelled {
            let go = state.withLock { state -> Bool in
                if state.stopping { return false }
                state.inFlight += 1
                state.issued += 1
                return true
            }
            guard go else { return }
            let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
            let t0 = now()
            let failure = await issue(index)
            let t1 = now()
            state.withLock { state in
                state.inFlight -= 1
                let inWindow = state.windowStart.map { $0 <= t1 } == true && (state.windowEnd.map { t1 <= $0 } ?? true)
                if let failure {
                    state.totalFailures[failure, default: 0] += 1
                    if inWindow { state.windowFailures[failure, default: 0] += 1 }
                } else {
                    state.okTotal += 1
                    // Clamped to the histogram's range (an hour): never a dropped sample.
                    if inWindow { state.latencies.record(min(t1 - t0, 3_600_000_000_000)) }
                }
            }
        }
    }
}

private func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// `utime + stime` of a process in seconds, from /proc/<pid>/stat.
func cpuSeconds(pid: Int32) -> Double? {
    guard let raw = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = raw.lastIndex(of: ")")
    else { return nil }
    let fields = raw[raw.index(close, offsetBy: 2)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
