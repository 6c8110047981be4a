import ExampleServices
import Foundation
import IoTJobs
import MQTTServiceRuntime
import NIOCore
import Synchronization
import Testing

/// The in-memory jobs service's rules, called directly (no broker).
@Suite struct InMemoryJobsServiceTests {
    final class Topics: Sendable {
        let published = Mutex<[String]>([])
        var publisher: ServiceEventPublisher {
            ServiceEventPublisher { [self] topic, _ in published.withLock { $0.append(topic) } }
        }
    }

    let topics = Topics()
    let service: InMemoryJobsService

    init() {
        service = InMemoryJobsService(events: topics.publisher)
    }

    @Test func executionsMoveThroughTheirStatesAndNotify() async throws {
        await service.queueJob(jobId: "a", thingName: "dev", document: ["n": 1])
        await service.queueJob(jobId: "b", thingName: "dev", document: ["n": 2])
        #expect(
            topics.published.withLock { $0 } == [
                "$aws/things/dev/jobs/notify", "$aws/things/dev/jobs/notify-next", "$aws/things/dev/jobs/notify",
            ])

        let started = try await service.startNextPendingJobExecution(.init(thingName: "dev"))
        #expect(started.execution?.jobId == "a")
        #expect(started.execution?.status == .inProgress)
        #expect(
            try await service.startNextPendingJobExecution(.init(thingName: "dev")).execution?.jobId == "a",
            "in progress comes first")

        do {
            _ = try await service.updateJobExecution(
                .init(thingName: "dev", jobId: "a", status: .succeeded, expectedVersion: 1))
            Issue.record("a stale expected version must be rejected")
        } catch {
            #expect(error.code == .versionMismatch)
            #expect(error.executionState?.versionNumber == 2)
        }
        let done = try await service.updateJobExecution(
            .init(thingName: "dev", jobId: "a", status: .succeeded, includeJobExecutionState: true))
        #expect(done.executionState == .init(status: .succeeded, versionNumber: 3))
        #expect(
            topics.published.withLock { $0.suffix(2) } == [
                "$aws/things/dev/jobs/notify", "$aws/things/dev/jobs/notify-next",
            ])

        do {
            _ = try await service.updateJobExecution(.init(thingName: "dev", jobId: "a", status: .inProgress))
            Issue.record("a finished execution must not change")
        } catch {
            #expect(error.code == .invalidStateTransition)
        }
        let pending = try await service.getPendingJobExecutions(.init(thingName: "dev"))
        #expect(pending.queuedJobs.map(\.jobId) == ["b"])
        #expect(pending.inProgressJobs.isEmpty)
        #expect(try await service.describeJobExecution(.init(thingName: "dev", jobId: "$next")).execution.jobId == "b")
        await #expect(throws: IoTJobs.ErrorResponse.self) {
            try await service.describeJobExecution(.init(thingName: "dev", jobId: "zzz"))
        }
    }
}
