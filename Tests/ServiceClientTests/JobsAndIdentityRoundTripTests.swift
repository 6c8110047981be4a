import Foundation
import IoTIdentity
import IoTJobs
import MQTTServiceRuntime
import RequestResponse
import Testing

@Suite struct JobsAndIdentityRoundTripTests {
    let broker = InProcessBroker()

    struct JobsService: IoTJobs.ServiceProtocol {
        func getPendingJobExecutions(
            _ request: IoTJobs.GetPendingJobExecutionsRequest
        ) async throws(IoTJobs.ErrorResponse) -> IoTJobs.GetPendingJobExecutionsResponse {
            .init(
                inProgressJobs: [],
                queuedJobs: [.init(jobId: "job-1", queuedAt: Date(timeIntervalSince1970: 1_700_000_000))],
                timestamp: Date(timeIntervalSince1970: 1_700_000_001))
        }

        func startNextPendingJobExecution(
            _ request: IoTJobs.StartNextPendingJobExecutionRequest
        ) async throws(IoTJobs.ErrorResponse) -> IoTJobs.StartNextJobExecutionResponse {
            .init(
                execution: .init(
                    jobId: "job-1", thingName: request.thingName, jobDocument: ["action": "reboot"], status: .inProgress
                ), timestamp: .now)
        }

        func describeJobExecution(
            _ request: IoTJobs.DescribeJobExecutionRequest
        ) async throws(IoTJobs.ErrorResponse) -> IoTJobs.DescribeJobExecutionResponse {
            guard request.jobId == "job-1" else {
                throw .init(code: .resourceNotFound, message: "no job \(request.jobId)", timestamp: .now)
            }
            return .init(
                execution: .init(jobId: request.jobId, status: IoTJobs.JobStatus(rawValue: "PAUSED")), timestamp: .now)
        }

        func updateJobExecution(
            _ request: IoTJobs.UpdateJobExecutionRequest
        ) async throws(IoTJobs.ErrorResponse) -> IoTJobs.UpdateJobExecutionResponse {
            throw .init(
                code: .invalidStateTransition, message: "already finished", timestamp: .now,
                executionState: .init(status: .succeeded, versionNumber: 3))
        }
    }

    struct IdentityService: IoTIdentity.ServiceProtocol {
        func createKeysAndCertificate(
            _ request: IoTIdentity.CreateKeysAndCertificateRequest
        ) async throws(IoTIdentity.ErrorResponse) -> IoTIdentity.CreateKeysAndCertificateResponse {
            .init(certificateId: "c1", certificatePem: "PEM", privateKey: "KEY", certificateOwnershipToken: "own-1")
        }

        func createCertificateFromCsr(
            _ request: IoTIdentity.CreateCertificateFromCsrRequest
        ) async throws(IoTIdentity.ErrorResponse) -> IoTIdentity.CreateCertificateFromCsrResponse {
            .init(
                certificateId: "c2", certificatePem: "PEM for \(request.certificateSigningRequest)",
                certificateOwnershipToken: "own-2")
        }

        func registerThing(
            _ request: IoTIdentity.RegisterThingRequest
        ) async throws(IoTIdentity.ErrorResponse) -> IoTIdentity.RegisterThingResponse {
            guard request.templateName == "fleet" else {
                throw .init(
                    statusCode: 404, errorCode: "ResourceNotFound", errorMessage: "no template \(request.templateName)")
            }
            return .init(
                thingName: "thing-\(request.parameters?["SerialNumber"] ?? "?")", deviceConfiguration: ["region": "eu"])
        }
    }

    @Test func jobsOperationsAndTypedRejections() async throws {
        try await withClientAndResponder(broker) { client, responder in
            _ = try await JobsService().register(on: responder)
            let jobs = IoTJobs.Client(client)
            let pending = try await jobs.getPendingJobExecutions(thingName: "dev-1")
            #expect(pending.queuedJobs.map(\.jobId) == ["job-1"])
            #expect(pending.clientToken != nil)

            let started = try await jobs.startNextPendingJobExecution(thingName: "dev-1", statusDetails: ["step": "1"])
            #expect(started.execution?.thingName == "dev-1")
            #expect(started.execution?.jobDocument?["action"] == "reboot")

            let described = try await jobs.describeJobExecution(thingName: "dev-1", jobId: "job-1")
            #expect(described.execution.status.rawValue == "PAUSED")

            do throws(ServiceError<IoTJobs.ErrorResponse>) {
                _ = try await jobs.describeJobExecution(thingName: "dev-1", jobId: "job-9")
                Issue.record("expected a rejection")
            } catch .rejected(let error) {
                #expect(error.code == .resourceNotFound)
            } catch {
                Issue.record("unexpected \(error)")
            }

            do throws(ServiceError<IoTJobs.ErrorResponse>) {
                _ = try await jobs.updateJobExecution(thingName: "dev-1", jobId: "job-1", status: .succeeded)
                Issue.record("expected a rejection")
            } catch .rejected(let error) {
                #expect(error.code == .invalidStateTransition)
                #expect(error.executionState?.versionNumber == 3)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(broker.published.contains { $0.topic == "$aws/things/dev-1/jobs/job-9/get/rejected" })
    }

    @Test func identityRunsWithoutCorrelationTokens() async throws {
        try await withClientAndResponder(broker) { client, responder in
            _ = try await IdentityService().register(on: responder)
            let identity = IoTIdentity.Client(client)
            let keys = try await identity.createKeysAndCertificate()
            #expect(keys.certificateOwnershipToken == "own-1")
            let fromCsr = try await identity.createCertificateFromCsr(certificateSigningRequest: "CSR")
            #expect(fromCsr.certificatePem == "PEM for CSR")
            let thing = try await identity.registerThing(
                templateName: "fleet", certificateOwnershipToken: keys.certificateOwnershipToken,
                parameters: ["SerialNumber": "42"])
            #expect(thing == .init(thingName: "thing-42", deviceConfiguration: ["region": "eu"]))
            do throws(ServiceError<IoTIdentity.ErrorResponse>) {
                _ = try await identity.registerThing(templateName: "other", certificateOwnershipToken: "x")
                Issue.record("expected a rejection")
            } catch .rejected(let error) {
                #expect(error.statusCode == 404)
                #expect(error.errorCode == "ResourceNotFound")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        let create = try #require(broker.published.first { $0.topic == "$aws/certificates/create/json" })
        #expect(create.text == "{}")
        let register = try #require(
            broker.published.first { $0.topic == "$aws/provisioning-templates/fleet/provision/json" })
        #expect(!register.text.contains("templateName"))
    }

    @Test func jobNotificationsStream() async throws {
        try await withClientAndResponder(broker) { client, _ in
            let jobs = IoTJobs.Client(client)
            let collector = StreamCollector(try jobs.nextJobExecutionChangedEvents(thingName: "dev-1"))
            #expect(
                await collector.next().map {
                    if case .subscriptionStatus(let s) = $0 { s.type == .established } else { false }
                } == true)
            try await publishFromOutside(
                broker, topic: "$aws/things/dev-1/jobs/notify-next",
                payload:
                    #"{"execution": {"jobId": "job-2", "status": "QUEUED", "queuedAt": 1700000000}, "timestamp": 1700000001}"#
            )
            let event = await collector.next()?.event
            #expect(event?.execution?.jobId == "job-2")
            #expect(event?.execution?.status == .queued)
            await collector.close()
        }
    }
}
