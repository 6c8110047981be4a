public import Foundation
public import IoTJobs
public import Logging
public import MQTTServiceRuntime
import Synchronization

/// The AWS IoT Jobs service, device side, in memory: written against the generated
/// `IoTJobs.ServiceProtocol`.
///
/// An operator queues jobs with ``queueJob(jobId:thingName:document:)``; devices run them with
/// the four operations. It follows the service's rules:
/// - a thing's pending executions are the `IN_PROGRESS` and `QUEUED` ones; the next one is the
///   first `IN_PROGRESS`, else the first `QUEUED`, in the order they were queued;
/// - `StartNextPendingJobExecution` returns the next one, moving a `QUEUED` one to `IN_PROGRESS`
///   (and no execution when nothing is pending);
/// - `UpdateJobExecution` accepts `IN_PROGRESS` and the terminal `SUCCEEDED`, `FAILED` and
///   `REJECTED` from a pending execution, checks `expectedVersion`, and rejects any change to
///   a finished execution with `InvalidStateTransition`;
/// - when the set of pending executions changes it publishes `JobExecutionsChanged` on
///   `$aws/things/{thing}/jobs/notify`, and when the next execution changes,
///   `NextJobExecutionChanged` on `…/jobs/notify-next`.
public final class InMemoryJobsService: IoTJobs.ServiceProtocol, Sendable {
    private struct Execution {
        var jobId: String
        var thingName: String
        var document: ServiceJSONValue
        var status: IoTJobs.JobStatus
        var statusDetails: [String: String]?
        var queuedAt: Date
        var startedAt: Date?
        var lastUpdatedAt: Date
        var versionNumber: Int64
        var executionNumber: Int64

        var isPending: Bool { status == .queued || status == .inProgress }

        var summary: IoTJobs.JobExecutionSummary {
            IoTJobs.JobExecutionSummary(
                jobId: jobId, executionNumber: executionNumber, versionNumber: versionNumber, queuedAt: queuedAt,
                startedAt: startedAt, lastUpdatedAt: lastUpdatedAt)
        }

        func data(includingDocument: Bool = true) -> IoTJobs.JobExecutionData {
            IoTJobs.JobExecutionData(
                jobId: jobId, thingName: thingName, jobDocument: includingDocument ? document : nil, status: status,
                statusDetails: statusDetails, queuedAt: queuedAt, startedAt: startedAt, lastUpdatedAt: lastUpdatedAt,
                versionNumber: versionNumber, executionNumber: executionNumber)
        }

        var state: IoTJobs.JobExecutionState {
            IoTJobs.JobExecutionState(status: status, statusDetails: statusDetails, versionNumber: versionNumber)
        }
    }

    /// What the notification topics would say about one thing, to tell whether they changed.
    private struct PendingView: Equatable {
        var pending: [String]
        var next: String?
    }

    private let executions = Mutex<[String: [Execution]]>([:])
    private let events: ServiceEventPublisher
    private let clock: @Sendable () -> Date
    private let logger: Logger

    /// Creates a service with no jobs.
    ///
    /// - Parameters:
    ///   - events: Where `notify` and `notify-next` are published; ``ServiceEventPublisher/discarding`` by default.
    ///   - clock: The time of timestamps (fixed in tests).
    ///   - logger: Where failures to publish events are reported.
    public init(
        events: ServiceEventPublisher = .discarding, clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "example-services.jobs")
    ) {
        self.events = events
        self.clock = clock
        self.logger = logger
    }

    /// Queues a job execution for a thing, as an operator does with `aws iot create-job`, and
    /// publishes the notifications it causes.
    ///
    /// - Parameters:
    ///   - jobId: The job's identifier.
    ///   - thingName: The thing to run it on.
    ///   - document: What the device should do.
    public func queueJob(jobId: String, thingName: String, document: ServiceJSONValue) async {
        let now = clock()
        _ = await changing(thingName) { list in
            let executionNumber = Int64(list.count { $0.jobId == jobId } + 1)
            list.append(
                Execution(
                    jobId: jobId, thingName: thingName, document: document, status: .queued, queuedAt: now,
                    lastUpdatedAt: now,
                    versionNumber: 1, executionNumber: executionNumber))
            return .success(())
        }
    }

    // MARK: Operations of the generated protocol

    /// Lists the thing's `IN_PROGRESS` and `QUEUED` executions.
    public func getPendingJobExecutions(
        _ request: IoTJobs.GetPendingJobExecutionsRequest
    ) async throws(IoTJobs.ErrorResponse) -> IoTJobs.GetPendingJobExecutionsResponse {
        let list = executions.withLock { $0[request.thingName] ?? [] }
        return IoTJobs.GetPendingJobExecutionsResponse(
            inProgressJobs: list.filter { $0.status == .inProgress }.map(\.summary),
            queuedJobs: list.filter { $0.status == .queued }.map(\.summary), timestamp: clock())
    }

    /// Returns the next pending execution, starting it if it was queued.
    public func startNextPendingJobExecution(
        _ request: IoTJobs.StartNextPendingJobExecutionRequest
    ) async throws(IoTJobs.ErrorResponse) -> IoTJobs.StartNextJobExecutionResponse {
        let now = clock()
        let started = await changing(request.thingName) {
            list -> Result<IoTJobs.JobExecutionData?, IoTJobs.ErrorResponse> in
            guard let index = Self.nextIndex(in: list) else { return .success(nil) }
            if list[index].status == .queued {
                list[index].status = .inProgress
                list[index].startedAt = now
                list[index].lastUpdatedAt = now
                list[index].versionNumber += 1
                if let details = request.statusDetails { list[index].statusDetails = details }
            }
            return .success(list[index].data())
        }
        return IoTJobs.StartNextJobExecutionResponse(execution: try started.get(), timestamp: now)
    }

    /// Returns one execution (`$next` names the next pending one), or rejects with `ResourceNotFound`.
    public func describeJobExecution(
        _ request: IoTJobs.DescribeJobExecutionRequest
    ) async throws(IoTJobs.ErrorResponse) -> IoTJobs.DescribeJobExecutionResponse {
        let now = clock()
        let list = executions.withLock { $0[request.thingName] ?? [] }
        let index = request.jobId == "$next" ? Self.nextIndex(in: list) : list.lastIndex { $0.jobId == request.jobId }
        guard let index else {
            throw IoTJobs.ErrorResponse(
                code: .resourceNotFound, message: "No job execution \(request.jobId) for \(request.thingName)",
                timestamp: now)
        }
        return IoTJobs.DescribeJobExecutionResponse(
            execution: list[index].data(includingDocument: request.includeJobDocument ?? true), timestamp: now)
    }

    /// Records the device's progress on an execution.
    public func updateJobExecution(
        _ request: IoTJobs.UpdateJobExecutionRequest
    ) async throws(IoTJobs.ErrorResponse) -> IoTJobs.UpdateJobExecutionResponse {
        let now = clock()
        let updated = await changing(request.thingName) { list -> Result<Execution, IoTJobs.ErrorResponse> in
            guard let index = list.lastIndex(where: { $0.jobId == request.jobId }) else {
                return .failure(
                    .init(
                        code: .resourceNotFound, message: "No job execution \(request.jobId) for \(request.thingName)",
                        timestamp: now))
            }
            let execution = list[index]
            if let expected = request.expectedVersion, expected != execution.versionNumber {
                return .failure(
                    .init(
                        code: .versionMismatch,
                        message: "Expected version \(expected), current \(execution.versionNumber)", timestamp: now,
                        executionState: execution.state))
            }
            let allowed: [IoTJobs.JobStatus] = [.inProgress, .succeeded, .failed, .rejected]
            guard execution.isPending, allowed.contains(request.status) else {
                return .failure(
                    .init(
                        code: .invalidStateTransition,
                        message: "Cannot change \(execution.status) to \(request.status)", timestamp: now,
                        executionState: execution.state))
            }
            list[index].status = request.status
            if let details = request.statusDetails { list[index].statusDetails = details }
            if execution.startedAt == nil { list[index].startedAt = now }
            list[index].lastUpdatedAt = now
            list[index].versionNumber += 1
            return .success(list[index])
        }
        let execution = try updated.get()
        return IoTJobs.UpdateJobExecutionResponse(
            executionState: request.includeJobExecutionState == true ? execution.state : nil,
            jobDocument: request.includeJobDocument == true ? execution.document : nil, timestamp: now)
    }

    // MARK: Implementation

    private static func nextIndex(in list: [Execution]) -> Int? {
        list.firstIndex { $0.status == .inProgress } ?? list.firstIndex { $0.status == .queued }
    }

    private static func view(of list: [Execution]) -> PendingView {
        PendingView(pending: list.filter(\.isPending).map(\.jobId), next: nextIndex(in: list).map { list[$0].jobId })
    }

    /// Runs `change` on a thing's executions under the lock, then publishes the notifications
    /// the change calls for.
    private func changing<Success: Sendable>(
        _ thingName: String, _ change: (inout [Execution]) -> Result<Success, IoTJobs.ErrorResponse>
    ) async -> Result<Success, IoTJobs.ErrorResponse> {
        let (result, before, after, list) = executions.withLock { executions in
            var list = executions[thingName] ?? []
            let before = Self.view(of: list)
            let result = change(&list)
            executions[thingName] = list
            return (result, before, Self.view(of: list), list)
        }
        let now = clock()
        if after.pending != before.pending {
            var jobs: [IoTJobs.JobStatus: [IoTJobs.JobExecutionSummary]] = [:]
            for execution in list where execution.isPending {
                jobs[execution.status, default: []].append(execution.summary)
            }
            await publish(
                IoTJobs.JobExecutionsChangedEvent(jobs: jobs, timestamp: now),
                to: "$aws/things/\(thingName)/jobs/notify")
        }
        if after.next != before.next {
            let next = Self.nextIndex(in: list).map { list[$0].data() }
            await publish(
                IoTJobs.NextJobExecutionChangedEvent(execution: next, timestamp: now),
                to: "$aws/things/\(thingName)/jobs/notify-next")
        }
        return result
    }

    private func publish(_ event: some Encodable, to topic: String) async {
        do {
            try await events.publish(event, to: topic)
        } catch {
            logger.warning("cannot publish a jobs notification", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }
}
