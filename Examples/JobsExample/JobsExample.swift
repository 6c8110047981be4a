// JobsExample: a device runs its AWS IoT jobs, over MQTT 5.
//
//     swift run JobsExample                        # embedded broker + in-memory jobs service
//     swift run JobsExample --url mqtts://<endpoint>:8883 --cafile AmazonRootCA1.pem \
//         --cert device.pem.crt --key private.pem.key --client-id my-thing --thing my-thing
//
// The device follows the `notify` and `notify-next` streams, starts the next pending job, reports
// progress and success, and sees the next job come up. Read `walkthrough` first.
import ArgumentParser
import ExampleServices
import ExampleSupport
import IoTJobs
import MQTT5
import MQTTServiceRuntime
import RequestResponse

@main
struct JobsExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "JobsExample",
        abstract: "Follow job notifications, start the next job, report progress and success.",
        discussion: """
            Without --url the example starts an embedded MQTT broker and an in-memory jobs service in this \
            process and queues two jobs, so it needs nothing installed. With --url it talks to that broker; \
            on AWS IoT, create a job for the thing first (aws iot create-job --job-id example-1 \
            --targets <thing ARN> --document '{"action":"reboot"}').
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The thing whose jobs to run.")
    var thing = "example-sensor"

    func run() async throws {
        try await runExample("JobsExample", deadline: connection.runDeadline) { narrator in
            try await run(narrator: narrator)
        }
    }

    /// The whole example: picks the broker, plays the service when there is no cloud, then the device.
    func run(narrator: Narrator) async throws {
        try await withExampleBroker(connection, narrator: narrator) { broker in
            guard broker.isEmbedded else {
                return try await runDevice(on: broker, console: nil, narrator: narrator)
            }
            // No AWS here: this process also plays the jobs service, on a connection of its own.
            try await withInProcessService(on: broker, clientID: "jobs-service", narrator: narrator) {
                serviceConnection, responder in
                let service = InMemoryJobsService(events: .mqtt(serviceConnection))
                let registrations = try await service.register(on: responder)
                narrator.note(
                    "service",
                    "in-memory jobs service answering \(registrations.count) operations on $aws/things/+/jobs/...")
                return service
            } _: { service in
                try await runDevice(on: broker, console: service, narrator: narrator)
            }
        }
    }

    /// Connects the device and gives the walkthrough a jobs client.
    ///
    /// - Parameter console: The in-memory service, to queue jobs as an operator would in the AWS
    ///   console; `nil` with a real broker, where jobs are created in the cloud.
    func runDevice(on broker: ExampleBroker, console: InMemoryJobsService?, narrator: Narrator) async throws {
        let clientID = connection.clientID ?? "jobs-example-\(randomSuffix())"
        try await withConnectedClient(to: broker, clientID: clientID, role: "device", narrator: narrator) { mqtt in
            let options = RequestResponseClient.Options(
                maxRequestResponseSubscriptions: 4, maxStreamingSubscriptions: 2, operationTimeout: .seconds(5))
            try await withRequestResponseClient(mqtt, options: options) { requestResponse in
                try await walkthrough(IoTJobs.Client(requestResponse), console: console, narrator: narrator)
            }
        }
    }

    /// What a device does with its jobs.
    func walkthrough(_ jobs: IoTJobs.Client, console: InMemoryJobsService?, narrator: Narrator) async throws {
        narrator.step("Subscribe to the job notifications of '\(thing)'")
        let changes = try jobs.jobExecutionsChangedEvents(thingName: thing)
        defer { changes.close() }
        let next = try jobs.nextJobExecutionChangedEvents(thingName: thing)
        defer { next.close() }
        try await changes.waitUntilEstablished(within: .seconds(5))
        try await next.waitUntilEstablished(within: .seconds(5))
        narrator.result("subscribed to \(changes.topicFilter)\nsubscribed to \(next.topicFilter)")

        if let console {
            narrator.step("An operator queues two jobs for '\(thing)'")
            await console.queueJob(
                jobId: "firmware-update-1", thingName: thing,
                document: ["action": "update-firmware", "version": "2.1.0"])
            await console.queueJob(jobId: "log-upload-1", thingName: thing, document: ["action": "upload-logs"])
            narrator.result("queued firmware-update-1 and log-upload-1")

            narrator.step("The device is notified")
            let listed = try await changes.firstEvent(within: .seconds(5), "JobExecutionsChanged listing both jobs") {
                event in
                event.jobs[.queued]?.count == 2
            }
            narrator.result("JobExecutionsChanged: \(describe(listed))")
            let first = try await next.firstEvent(within: .seconds(5), "NextJobExecutionChanged")
            narrator.result("NextJobExecutionChanged: \(describe(first.execution))")
        } else {
            narrator.step("List the pending job executions")
            let pending = try await jobs.getPendingJobExecutions(thingName: thing)
            let inProgress = pending.inProgressJobs.map(\.jobId).joined(separator: ", ")
            let queued = pending.queuedJobs.map(\.jobId).joined(separator: ", ")
            narrator.result("in progress: [\(inProgress)], queued: [\(queued)]")
        }

        narrator.step("Start the next pending job execution")
        let started = try await jobs.startNextPendingJobExecution(
            thingName: thing, statusDetails: ["step": "downloading"])
        guard let execution = started.execution else {
            throw ExampleError(
                "no pending job execution for '\(thing)': create a job for it first, e.g. aws iot create-job --job-id example-1 --targets <thing ARN> --document '{\"action\":\"reboot\"}'"
            )
        }
        narrator.result("\(describe(execution))")

        narrator.step("Report progress: IN_PROGRESS, 50 %")
        let progress = try await jobs.updateJobExecution(
            thingName: thing, jobId: execution.jobId, status: .inProgress,
            statusDetails: ["step": "installing", "progress": "50%"],
            expectedVersion: execution.versionNumber, includeJobExecutionState: true)
        narrator.result("accepted: \(describe(progress.executionState))")

        narrator.step("Report success: SUCCEEDED")
        let done = try await jobs.updateJobExecution(
            thingName: thing, jobId: execution.jobId, status: .succeeded, statusDetails: ["step": "done"],
            includeJobExecutionState: true)
        narrator.result("accepted: \(describe(done.executionState))")

        narrator.step("The next job comes up")
        let following = try await next.firstEvent(
            within: .seconds(5), "NextJobExecutionChanged after \(execution.jobId)"
        ) { event in
            event.execution?.jobId != execution.jobId
        }
        narrator.result("NextJobExecutionChanged: \(describe(following.execution))")

        narrator.step("Changing the finished job is rejected")
        do {
            _ = try await jobs.updateJobExecution(thingName: thing, jobId: execution.jobId, status: .inProgress)
            throw ExampleError("the finished job \(execution.jobId) accepted a change")
        } catch let error as ServiceError<IoTJobs.ErrorResponse> {
            guard case .rejected(let rejection) = error else { throw error }
            narrator.result("rejected with \(rejection.code): \(rejection.message)")
        }
    }

    /// `firmware-update-1 IN_PROGRESS (version 2) {"action":…}`.
    func describe(_ execution: IoTJobs.JobExecutionData?) -> String {
        guard let execution else { return "no pending job" }
        var text = "\(execution.jobId) \(execution.status)"
        if let version = execution.versionNumber { text += " (version \(version))" }
        if let document = execution.jobDocument { text += " \(document)" }
        return text
    }

    /// `IN_PROGRESS (version 3) step=installing, progress=50%`.
    func describe(_ state: IoTJobs.JobExecutionState?) -> String {
        guard let state else { return "no execution state" }
        let details = (state.statusDetails ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: ", ")
        return "\(state.status) (version \(state.versionNumber)) \(details)"
    }

    /// `QUEUED [firmware-update-1, log-upload-1]`.
    func describe(_ event: IoTJobs.JobExecutionsChangedEvent) -> String {
        event.jobs.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { status, summaries in "\(status) [\(summaries.map(\.jobId).joined(separator: ", "))]" }
            .joined(separator: ", ")
    }
}
