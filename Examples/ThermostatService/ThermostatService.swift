// ThermostatService: a production-style service process over MQTT 5, written as a
// swift-service-lifecycle ServiceGroup of the MQTT client and the responder.
//
//     swift run ThermostatService --demo                 # embedded broker; a caller asks, then it shuts down
//     swift run ThermostatService --url mqtt://localhost:1883 --share-group thermostats
//
// It implements the generated `Thermostat.ServiceProtocol` (RRGenPlugin generates it at build time
// from `Thermostat.rrgen.json`, the schema CustomServiceExample uses too) and serves it until
// SIGTERM or SIGINT: then it stops taking requests (unsubscribes), lets the requests it took
// finish, disconnects and exits 0. Start several with the same --share-group and the broker
// spreads the requests over them.
import ArgumentParser
import Foundation
import Logging
import MQTT5
import MQTT5Testing
import MQTTServiceRuntime
import RequestResponse
import ServiceLifecycle
import UnixSignals
import Synchronization

@main
struct ThermostatService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ThermostatService",
        abstract: "The Thermostat service as a ServiceGroup of the MQTT client and the responder.")

    @Option(help: "Broker URL (mqtt://host:port). Without it (or with --demo) an embedded broker is started.")
    var url: String?

    @Option(name: .customLong("client-id"), help: "MQTT client identifier.")
    var clientID = "thermostat-service"

    @Option(name: .customLong("share-group"), help: "Serve through $share/<group>/... to scale out.")
    var shareGroup: String?

    @Option(name: .customLong("max-concurrency"), help: "Most requests handled at once.")
    var maxConcurrency = 16

    @Flag(help: "Send a few requests from a caller in this process, then shut down gracefully.")
    var demo = false

    func run() async throws {
        var logger = Logger(label: "thermostat-service")
        logger.logLevel = .info
        if let url, !demo {
            try await serve(url: url, logger: logger, demo: nil)
        } else {
            try await withMQTTTestBroker { broker in
                try await serve(url: broker.endpoint, logger: logger, demo: broker.endpoint)
            }
        }
    }

    /// Serves until SIGTERM/SIGINT, or until the demo caller is done.
    func serve(url: String, logger: Logger, demo callerURL: String?) async throws {
        let mqtt = MQTTClient(configuration: try .init(url: url, clientIdentifier: clientID), logger: logger)
        let responder = RequestResponder(
            mqtt, options: .init(maxConcurrentHandlers: maxConcurrency, sharedSubscriptionGroup: shareGroup),
            logger: logger)
        // Subscribing needs the connection: start the client, register, then run both.
        mqtt.start()
        try await mqtt.waitForConnection(timeout: .seconds(10))
        _ = try await Thermostats(deviceIDs: ["living-room", "bedroom"]).register(on: responder)
        print("ThermostatService: serving thermostats/+/... (SIGTERM or SIGINT to stop)")
        fflush(nil)

        let group = ServiceGroup(
            services: [mqtt, responder], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            if let callerURL {
                try await Self.demoCaller(url: callerURL)
                await group.triggerGracefulShutdown()
            }
            try await tasks.waitForAll()
        }
        let statistics = await responder.statistics
        print("ThermostatService: answered \(statistics.completed) requests, stopped")
    }

    /// A caller in the same process: the generated client asks twice, with a deadline.
    static func demoCaller(url: String) async throws {
        try await withMQTTClient(configuration: try .init(url: url, clientIdentifier: "thermostat-caller")) { mqtt in
            var options = RequestResponseClient.Options(
                maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 1, operationTimeout: .seconds(5))
            options.callerClientID = "thermostat-caller"  // the service sees who asks
            try await withRequestResponseClient(mqtt, options: options) { requestResponse in
                let thermostat = Thermostat.Client(requestResponse)
                let status = try await thermostat.getStatus(deviceId: "living-room")
                print("living-room: \(status.currentCelsius) °C, target \(status.targetCelsius) °C")
                let changed = try await thermostat.setTarget(deviceId: "living-room", targetCelsius: 21)
                print("target \(changed.previousTargetCelsius) → \(changed.targetCelsius) °C")
                do throws(ServiceError<Thermostat.ThermostatError>) {
                    _ = try await thermostat.getStatus(deviceId: "attic")
                } catch .rejected(let error) {
                    print("attic: \(error.code): \(error.message)")
                }
            }
        }
    }
}

/// The service: thermostats kept in memory.
final class Thermostats: Thermostat.ServiceProtocol {
    private struct Device {
        var celsius: Double
        var targetCelsius: Double
    }

    private let devices: Mutex<[String: Device]>

    init(deviceIDs: [String]) {
        devices = Mutex(
            Dictionary(uniqueKeysWithValues: deviceIDs.map { ($0, Device(celsius: 19.5, targetCelsius: 19.5)) }))
    }

    func getStatus(_ request: Thermostat.StatusRequest) async throws(Thermostat.ThermostatError) -> Thermostat.Status {
        // The request's context: who asks, until when, and a logger with the request's metadata.
        let context = RequestHandlerContext.current
        context?.logger.debug("status asked", metadata: ["caller": "\(context?.callerClientID ?? "-")"])
        guard let device = devices.withLock({ $0[request.deviceId] }) else { throw Self.unknown(request.deviceId) }
        return Thermostat.Status(
            currentCelsius: device.celsius, targetCelsius: device.targetCelsius,
            heating: device.celsius < device.targetCelsius, updatedAt: Date())
    }

    func setTarget(
        _ request: Thermostat.SetTargetRequest
    ) async throws(Thermostat.ThermostatError) -> Thermostat.SetTargetResponse {
        guard (5...30).contains(request.targetCelsius) else {
            throw Thermostat.ThermostatError(
                code: .outOfRange, message: "\(request.targetCelsius) °C is outside 5...30 °C", minimumCelsius: 5,
                maximumCelsius: 30)
        }
        let previous = devices.withLock { devices -> Double? in
            defer { devices[request.deviceId]?.targetCelsius = request.targetCelsius }
            return devices[request.deviceId]?.targetCelsius
        }
        guard let previous else { throw Self.unknown(request.deviceId) }
        return Thermostat.SetTargetResponse(
            previousTargetCelsius: previous, targetCelsius: request.targetCelsius, acceptedAt: Date())
    }

    private static func unknown(_ deviceID: String) -> Thermostat.ThermostatError {
        Thermostat.ThermostatError(code: .unknownDevice, message: "no thermostat '\(deviceID)'")
    }
}
