// CustomServiceExample: your own request-response service over MQTT 5, generated from a schema.
//
//     swift run CustomServiceExample                        # embedded broker
//     swift run CustomServiceExample --url mqtt://localhost:1883
//
// `Thermostat.rrgen.json` describes a thermostat service: two operations (GetStatus,
// SetTarget) with a modeled error, and a stream of readings. RRGenPlugin turns it into
// `Thermostat.Client` and `Thermostat.ServiceProtocol` when this target builds. Requests use MQTT 5
// correlation data: each carries a response topic and correlation data, the service answers on
// that topic, and errors are marked with the user property `mqtt-rpc-status: error`.
//
// Both halves run in this process, each on its own MQTT connection: `SimulatedThermostats` is the
// service, `walkthrough` the app using it.
import ArgumentParser
import ExampleServices
import ExampleSupport
import MQTT5
import MQTTServiceRuntime
import RequestResponse

@main
struct CustomServiceExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "CustomServiceExample",
        abstract: "A thermostat service generated from a schema, over MQTT 5 correlation data.",
        discussion: """
            The service and the app both run in this process, each on its own connection, to the embedded \
            broker or to the MQTT 5 broker --url names.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The thermostat to use.")
    var device = "living-room"

    func run() async throws {
        try await runExample("CustomServiceExample", deadline: connection.runDeadline) { narrator in
            try await run(narrator: narrator)
        }
    }

    /// The whole example: picks the broker, starts the service, then the app.
    func run(narrator: Narrator) async throws {
        try await withExampleBroker(connection, narrator: narrator) { broker in
            try await withInProcessService(
                on: broker, clientID: "thermostat-service-\(randomSuffix())", narrator: narrator
            ) { serviceConnection, responder in
                let thermostats = SimulatedThermostats(
                    deviceIDs: [device], celsius: 19.5, events: .mqtt(serviceConnection))
                let registrations = try await thermostats.register(on: responder)
                narrator.note(
                    "service",
                    "simulated thermostat '\(device)' answering \(registrations.count) operations on thermostats/+/...")
                return thermostats
            } _: { thermostats in
                do {
                    try await runApp(on: broker, narrator: narrator)
                } catch {
                    await thermostats.stop()
                    throw error
                }
                await thermostats.stop()
            }
        }
    }

    /// Connects the app and gives the walkthrough a thermostat client.
    func runApp(on broker: ExampleBroker, narrator: Narrator) async throws {
        let clientID = connection.clientID ?? "thermostat-app-\(randomSuffix())"
        try await withConnectedClient(to: broker, clientID: clientID, role: "app", narrator: narrator) { mqtt in
            // Correlation-data requests share one response topic, so 2 request subscriptions are plenty.
            let options = RequestResponseClient.Options(
                maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 1, operationTimeout: .seconds(5))
            try await withRequestResponseClient(mqtt, options: options) { requestResponse in
                narrator.note("app", "responses come back on \(requestResponse.correlationDataResponseTopic)")
                try await walkthrough(Thermostat.Client(requestResponse), narrator: narrator)
            }
        }
    }

    /// What an app does with the generated client.
    func walkthrough(_ thermostat: Thermostat.Client, narrator: Narrator) async throws {
        narrator.step("Subscribe to the readings of '\(device)'")
        let readings = try thermostat.readingsEvents(deviceId: device)
        defer { readings.close() }
        try await readings.waitUntilEstablished(within: .seconds(5))
        narrator.result("subscribed to \(readings.topicFilter)")

        narrator.step("Get the status")
        let status = try await thermostat.getStatus(deviceId: device)
        narrator.result(describe(status))

        narrator.step("Set the target to 35 °C")
        do throws(ServiceError<Thermostat.ThermostatError>) {
            let response = try await thermostat.setTarget(deviceId: device, targetCelsius: 35)
            narrator.result("accepted: \(response.previousTargetCelsius) → \(response.targetCelsius) °C")
        } catch .rejected(let error) where error.code == .outOfRange {
            narrator.result(
                "rejected with \(error.code): \(error.message) (the modeled error, marked mqtt-rpc-status: error)")
        } catch {
            throw error
        }

        let target = 22.0
        narrator.step("Set the target to \(target) °C")
        let accepted = try await thermostat.setTarget(deviceId: device, targetCelsius: target)
        narrator.result("accepted: \(accepted.previousTargetCelsius) → \(accepted.targetCelsius) °C")

        narrator.step("Follow the readings until \(target) °C")
        let seen = try await withTimeout(.seconds(5), "the readings to reach \(target) °C") {
            var seen: [Thermostat.Reading] = []
            for await element in readings {
                switch element {
                case .event(let reading):
                    seen.append(reading)
                    if reading.celsius == target { return seen }
                case .decodingFailure(let failure):
                    throw ExampleError("a reading did not decode: \(failure)")
                case .subscriptionStatus:
                    continue
                }
            }
            throw ExampleError("the readings stream ended")
        }
        narrator.result(seen.map { "\($0.celsius)" }.joined(separator: " → ") + " °C")

        narrator.step("Get the status again")
        let reached = try await thermostat.getStatus(deviceId: device)
        narrator.result(describe(reached))
        guard reached.currentCelsius == target, !reached.heating else {
            throw ExampleError("the thermostat did not settle at \(target) °C: \(describe(reached))")
        }

        narrator.step("Ask a thermostat that does not exist")
        do {
            let status = try await thermostat.getStatus(deviceId: "attic")
            throw ExampleError("an unknown thermostat answered: \(describe(status))")
        } catch let error as ServiceError<Thermostat.ThermostatError> where error.modeledError?.code == .unknownDevice {
            narrator.result(
                "rejected with \(Thermostat.ThermostatErrorCode.unknownDevice): \(error.modeledError?.message ?? "")")
        }
    }

    /// `19.5 °C, target 19.5 °C, idle`.
    func describe(_ status: Thermostat.Status) -> String {
        "\(status.currentCelsius) °C, target \(status.targetCelsius) °C, \(status.heating ? "heating" : "idle")"
    }
}
