import Foundation
import MQTT5
import MQTT5Testing
import NIOCore
import RequestResponse
import Synchronization
import Testing

extension RRSuite.Mosquitto {
    /// Three `ThermostatService` processes on one `$share` group under request load; one is
    /// killed with SIGKILL mid-run. (Not `rrbench serve`: its `$aws/...` request topics do not go
    /// through `$share` on mosquitto 2.0, which delivers no `$`-topic to a shared subscription.)
    @Suite("Service failover on a shared subscription")
    struct ServiceFailover {
        /// What the load workers share.
        final class Load: Sendable {
            let tally = Mutex(Tally())
            let killed = Atomic(false)
            let stop = Atomic(false)
        }

        struct Tally {
            var succeeded = 0
            var succeededAfterKill = 0
            var timedOut = 0
            var other: [String] = []
            var slowest: Duration = .zero
        }

        @Test("every request succeeds or fails by its deadline; the load continues on the survivors")
        func killOneOfThree() async throws {
            try await withMosquitto { rig in
                let group = "\(rig.prefix)-shadow"
                var services: [ServiceProcess] = []
                for index in 0..<3 {
                    services.append(
                        try await ServiceProcess(
                            name: "\(rig.prefix)-svc\(index)", port: rig.broker.port, shareGroup: group))
                }
                let mqtt = try await rig.client("load")
                let rr = try RequestResponseClient(
                    mqtt,
                    options: .init(
                        maxRequestResponseSubscriptions: 8, maxStreamingSubscriptions: 1,
                        operationTimeout: .seconds(2)))
                let timeout = Duration.seconds(2)
                let shared = Load()
                try await withThrowingTaskGroup(of: Void.self) { load in
                    for worker in 0..<8 {
                        load.addTask {
                            var index = 0
                            while !shared.stop.load(ordering: .relaxed) {
                                index += 1
                                let device = worker % 2 == 0 ? "living-room" : "bedroom"
                                let start = ContinuousClock.now
                                let afterKill = shared.killed.load(ordering: .relaxed)
                                let outcome: String
                                do throws(RequestResponseError) {
                                    let response = try await rr.request(
                                        .correlationData(
                                            publishTopic: "thermostats/\(device)/status/get",
                                            payload: ByteBuffer(string: #"{"n":\#(index)}"#)), timeout: timeout)
                                    let isStatus = String(buffer: response.payload).contains("currentCelsius")
                                    outcome = isStatus ? "ok" : "unexpected: \(String(buffer: response.payload))"
                                } catch {
                                    outcome = "\(error.code)"
                                }
                                let elapsed = ContinuousClock.now - start
                                shared.tally.withLock { tally in
                                    tally.slowest = max(tally.slowest, elapsed)
                                    switch outcome {
                                    case "ok":
                                        tally.succeeded += 1
                                        if afterKill { tally.succeededAfterKill += 1 }
                                    case "\(RequestResponseError.Code.timeout)":
                                        tally.timedOut += 1
                                    default:
                                        tally.other.append(outcome)
                                    }
                                }
                            }
                        }
                    }
                    try await Task.sleep(for: .seconds(2))
                    services[0].kill()
                    shared.killed.store(true, ordering: .relaxed)
                    try await Task.sleep(for: .seconds(3))
                    shared.stop.store(true, ordering: .relaxed)
                    try await load.waitForAll()
                }
                await rr.close()
                let result = shared.tally.withLock { $0 }
                print(
                    "failover: \(result.succeeded) succeeded (\(result.succeededAfterKill) after the kill), "
                        + "\(result.timedOut) timed out, slowest \(result.slowest)")
                // None hangs: every request ended by its deadline (plus scheduling slack).
                #expect(result.slowest < timeout + .seconds(1))
                #expect(result.other.isEmpty, "unexpected failures: \(result.other.prefix(5))")
                #expect(result.succeededAfterKill > 50, "the survivors carried the load: \(result)")
                // Requests spread over the group: each survivor answered some, and the killed one
                // answered what the survivors did not.
                var answeredBySurvivors = 0
                for service in services.dropFirst() {
                    let (status, reported) = await service.terminate()
                    #expect(status == 0, "\(service.name) exit: \(service.log.suffix(400))")
                    let answered = reported ?? 0
                    #expect(answered > 0, "\(service.name) answered nothing")
                    answeredBySurvivors += answered
                }
                #expect(result.succeeded > answeredBySurvivors, "the killed service answered before it died")
            }
        }
    }
}
