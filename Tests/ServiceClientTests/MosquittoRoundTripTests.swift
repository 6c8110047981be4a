import ExampleServices
import Foundation
import IoTIdentity
import IoTJobs
import IoTShadow
import MQTT5Testing
import MQTTServiceRuntime
import RequestResponse
import Testing

/// The generated clients end to end over a real mosquitto: the round-trip helpers
/// (``withClientAndResponder(_:operationTimeout:_:)``, ``publishFromOutside(_:topic:payload:)``)
/// with a ``MosquittoTransportFactory``, the services implemented from the generated
/// `ServiceProtocol`s (``InMemoryShadowService``, the Jobs and Identity services of
/// ``JobsAndIdentityRoundTripTests``) on a ``RequestResponder``. Each test has its own broker.
@Suite("Generated services over mosquitto", .enabled(if: MosquittoBroker.shouldRunTests), .timeLimit(.minutes(1)))
struct MosquittoRoundTripTests {
    @Test(
        "Shadow: rejected is the modeled error, accepted updates, explicit null clears desired (on the wire too), delete"
    )
    func shadowRoundTrip() async throws {
        try await withMosquittoFactory { factory in
            let wire = try await factory.tap("$aws/things/lamp/shadow/update")
            try await withClientAndResponder(factory) { client, responder in
                #expect(try await InMemoryShadowService().register(on: responder).count == 6)
                let shadow = IoTShadow.Client(client)
                do throws(ServiceError<IoTShadow.ErrorResponse>) {
                    _ = try await shadow.getShadow(thingName: "lamp")
                    Issue.record("a missing shadow must be rejected")
                } catch .rejected(let error) {
                    #expect(error.code == 404)
                    #expect(error.clientToken.flatMap(UUID.init(uuidString:)) != nil)
                } catch {
                    Issue.record("unexpected \(error)")
                }

                let updated = try await shadow.updateShadow(
                    thingName: "lamp",
                    state: .init(desired: .value(["color": "red"]), reported: .value(["color": "blue"])))
                #expect(updated.version == 1)
                let document = try await shadow.getShadow(thingName: "lamp")
                #expect(document.state.desired == ["color": "red"])
                #expect(document.state.reported == ["color": "blue"])

                _ = try await shadow.updateShadow(thingName: "lamp", state: .init(desired: .null))
                let cleared = try await shadow.getShadow(thingName: "lamp")
                #expect(cleared.state.desired == nil)
                #expect(cleared.state.reported == ["color": "blue"])
                let requests = await wire.messages(on: "$aws/things/lamp/shadow/update", atLeast: 2)
                #expect(requests.count == 2)
                #expect(requests.last?.contains(#""desired":null"#) == true, "\(requests)")

                do throws(ServiceError<IoTShadow.ErrorResponse>) {
                    _ = try await shadow.updateShadow(
                        thingName: "lamp", state: .init(reported: .value(["on": false])), version: 7)
                    Issue.record("expected a version conflict")
                } catch {
                    #expect(error.modeledError?.code == 409)
                }
                #expect(try await shadow.deleteShadow(thingName: "lamp").version == 2)
            }
        }
    }

    enum Service: String, CaseIterable, Sendable { case shadow, jobs, identity }

    @Test("nobody serving: each generated client ends in a transport timeout, on time", arguments: Service.allCases)
    func timeout(service: Service) async throws {
        try await withMosquittoFactory { factory in
            try await withClientAndResponder(factory, operationTimeout: .milliseconds(300)) { client, _ in
                let clock = ContinuousClock()
                let start = clock.now
                var code: RequestResponseError.Code?
                switch service {
                case .shadow:
                    do throws(ServiceError<IoTShadow.ErrorResponse>) {
                        _ = try await IoTShadow.Client(client).getShadow(thingName: "nobody-serves-this")
                    } catch .transport(let error) { code = error.code } catch { Issue.record("unexpected \(error)") }
                case .jobs:
                    do throws(ServiceError<IoTJobs.ErrorResponse>) {
                        _ = try await IoTJobs.Client(client).getPendingJobExecutions(thingName: "nobody")
                    } catch .transport(let error) { code = error.code } catch { Issue.record("unexpected \(error)") }
                case .identity:
                    do throws(ServiceError<IoTIdentity.ErrorResponse>) {
                        _ = try await IoTIdentity.Client(client).createKeysAndCertificate()
                    } catch .transport(let error) { code = error.code } catch { Issue.record("unexpected \(error)") }
                }
                let elapsed = clock.now - start
                #expect(code == .timeout)
                // Never early; the upper bound only proves the deadline (not the 60 s default)
                // ended it: this suite runs in parallel with the others on a small machine. The
                // 100 ms precision is checked by the serialised request-response timeout tests.
                #expect(elapsed >= .milliseconds(298) && elapsed < .seconds(3), "\(elapsed)")
            }
        }
    }

    @Test(
        "Shadow: the delta stream is established, decodes a delta without clientToken, surfaces an undecodable one, ignores other things"
    )
    func shadowDeltaStream() async throws {
        try await withMosquittoFactory { factory in
            try await withClientAndResponder(factory) { client, _ in
                let collector = StreamCollector(
                    try IoTShadow.Client(client).shadowDeltaUpdatedEvents(thingName: "lamp"))
                guard case .subscriptionStatus(let status)? = await collector.next() else {
                    Issue.record("expected the subscription to be established first")
                    return
                }
                #expect(status.type == .established)
                try await publishFromOutside(
                    factory, topic: "$aws/things/other/shadow/update/delta",
                    payload: #"{"state": {"x": 1}, "version": 1, "timestamp": 1}"#)
                try await publishFromOutside(
                    factory, topic: "$aws/things/lamp/shadow/update/delta",
                    payload: #"{"state": {"color": "green"}, "metadata": {}, "timestamp": 1700000005, "version": 9}"#)
                let delta = await collector.next()?.event
                #expect(delta?.state == ["color": "green"])
                #expect(delta?.clientToken == nil)
                #expect(delta?.version == 9)

                try await publishFromOutside(
                    factory, topic: "$aws/things/lamp/shadow/update/delta", payload: #"{"state": 1}"#)
                guard case .decodingFailure(let failure)? = await collector.next() else {
                    Issue.record("an undecodable delta must be surfaced")
                    return
                }
                #expect(failure.topic == "$aws/things/lamp/shadow/update/delta")
                await collector.close()
            }
        }
    }

    @Test("Jobs: operations, typed rejections and the notify-next stream")
    func jobs() async throws {
        try await withMosquittoFactory { factory in
            try await withClientAndResponder(factory) { client, responder in
                _ = try await JobsAndIdentityRoundTripTests.JobsService().register(on: responder)
                let jobs = IoTJobs.Client(client)
                let pending = try await jobs.getPendingJobExecutions(thingName: "dev-1")
                #expect(pending.queuedJobs.map(\.jobId) == ["job-1"])
                let started = try await jobs.startNextPendingJobExecution(
                    thingName: "dev-1", statusDetails: ["step": "1"])
                #expect(started.execution?.jobDocument?["action"] == "reboot")
                #expect(
                    try await jobs.describeJobExecution(thingName: "dev-1", jobId: "job-1").execution.status.rawValue
                        == "PAUSED")
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

                let collector = StreamCollector(try jobs.nextJobExecutionChangedEvents(thingName: "dev-1"))
                #expect(
                    await collector.next().map {
                        if case .subscriptionStatus(let s) = $0 { s.type == .established } else { false }
                    } == true)
                try await publishFromOutside(
                    factory, topic: "$aws/things/dev-1/jobs/notify-next",
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

    @Test("Identity: token-less operations and a typed rejection")
    func identity() async throws {
        try await withMosquittoFactory { factory in
            try await withClientAndResponder(factory) { client, responder in
                _ = try await JobsAndIdentityRoundTripTests.IdentityService().register(on: responder)
                let identity = IoTIdentity.Client(client)
                let keys = try await identity.createKeysAndCertificate()
                #expect(keys.certificateOwnershipToken == "own-1")
                #expect(
                    try await identity.createCertificateFromCsr(certificateSigningRequest: "CSR").certificatePem
                        == "PEM for CSR")
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
        }
    }

    @Test("Echo: MQTT 5 correlation data and the error user property through mosquitto")
    func echoCorrelationData() async throws {
        try await withMosquittoFactory { factory in
            try await withClientAndResponder(factory) { client, responder in
                _ = try await EchoRoundTripTests.EchoService().register(on: responder)
                let echo = Echo.Client(client)
                let response = try await echo.echo(room: "lobby", seq: 7, text: "hello", attachment: Data([1, 2, 3]))
                #expect(response.text == "hello")
                #expect(response.attachment == Data([1, 2, 3]))
                do throws(ServiceError<Echo.EchoError>) {
                    _ = try await echo.echo(room: "lobby", seq: 8, text: "fail")
                    Issue.record("expected a rejection")
                } catch .rejected(let error) {
                    #expect(error.reason == "asked to fail in lobby")
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
    }
}
