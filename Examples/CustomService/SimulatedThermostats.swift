import ExampleServices
import Foundation
import Logging
import MQTTServiceRuntime
import Synchronization

/// The `Thermostat` service, implemented from the `Thermostat.ServiceProtocol` that RRGenPlugin
/// generates from `Thermostat.rrgen.json` at build time.
///
/// It simulates thermostats: after ``setTarget(_:)`` a thermostat moves half a degree towards
/// its target every tick and publishes a `Reading` each time, until it gets there.
final class SimulatedThermostats: Thermostat.ServiceProtocol, Sendable {
    private struct Device {
        var celsius: Double
        var targetCelsius: Double
        var measuredAt: Date
        var heating: Bool { celsius < targetCelsius }
    }

    /// The targets a thermostat accepts.
    let allowedTargets: ClosedRange<Double> = 5...30
    /// How far a thermostat moves per tick.
    let stepCelsius = 0.5
    /// How often a working thermostat measures.
    let tick: Duration

    private let devices: Mutex<[String: Device]>
    private let heaters = Mutex<[String: Task<Void, Never>]>([:])
    private let events: ServiceEventPublisher
    private let logger = Logger(label: "thermostat-service")

    /// Creates thermostats at `celsius`, aiming at the same temperature.
    ///
    /// - Parameters:
    ///   - deviceIDs: The thermostats that exist.
    ///   - celsius: Their temperature.
    ///   - tick: How often a working thermostat measures and publishes.
    ///   - events: Where readings are published.
    init(deviceIDs: [String], celsius: Double, tick: Duration = .milliseconds(20), events: ServiceEventPublisher) {
        let now = Date()
        self.devices = Mutex(
            Dictionary(
                uniqueKeysWithValues: deviceIDs.map {
                    ($0, Device(celsius: celsius, targetCelsius: celsius, measuredAt: now))
                }))
        self.tick = tick
        self.events = events
    }

    // MARK: Operations of the generated protocol

    func getStatus(_ request: Thermostat.StatusRequest) async throws(Thermostat.ThermostatError) -> Thermostat.Status {
        guard let device = devices.withLock({ $0[request.deviceId] }) else { throw unknown(request.deviceId) }
        return Thermostat.Status(
            currentCelsius: device.celsius, targetCelsius: device.targetCelsius, heating: device.heating,
            updatedAt: device.measuredAt)
    }

    func setTarget(
        _ request: Thermostat.SetTargetRequest
    ) async throws(Thermostat.ThermostatError) -> Thermostat.SetTargetResponse {
        guard allowedTargets.contains(request.targetCelsius) else {
            throw Thermostat.ThermostatError(
                code: .outOfRange,
                message:
                    "\(request.targetCelsius) °C is outside \(allowedTargets.lowerBound)...\(allowedTargets.upperBound) °C",
                minimumCelsius: allowedTargets.lowerBound, maximumCelsius: allowedTargets.upperBound)
        }
        let previous: Double? = devices.withLock { devices in
            guard let previous = devices[request.deviceId]?.targetCelsius else { return nil }
            devices[request.deviceId]?.targetCelsius = request.targetCelsius
            return previous
        }
        guard let previous else { throw unknown(request.deviceId) }
        startWorking(request.deviceId)
        return Thermostat.SetTargetResponse(
            previousTargetCelsius: previous, targetCelsius: request.targetCelsius, acceptedAt: Date())
    }

    // MARK: Simulation

    /// Stops every thermostat that is still working and waits for it.
    func stop() async {
        let running = heaters.withLock { heaters in
            defer { heaters.removeAll() }
            return Array(heaters.values)
        }
        for task in running {
            task.cancel()
            await task.value
        }
    }

    /// Moves the thermostat towards its target, one reading per tick, replacing a previous run.
    private func startWorking(_ deviceID: String) {
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                guard !Task.isCancelled, let reading = measure(deviceID) else { return }
                do {
                    try await events.publish(reading, to: "thermostats/\(deviceID)/readings")
                } catch {
                    logger.warning("cannot publish a reading", metadata: ["error": "\(error)"])
                }
                if reading.celsius == reading.targetCelsius { return }
            }
        }
        heaters.withLock { $0.updateValue(task, forKey: deviceID) }?.cancel()
    }

    /// Takes one step towards the target and returns the reading, or `nil` for an unknown device.
    private func measure(_ deviceID: String) -> Thermostat.Reading? {
        devices.withLock { devices in
            guard var device = devices[deviceID] else { return nil }
            let difference = device.targetCelsius - device.celsius
            device.celsius += min(abs(difference), stepCelsius) * (difference < 0 ? -1 : 1)
            device.measuredAt = Date()
            devices[deviceID] = device
            return Thermostat.Reading(
                celsius: device.celsius, targetCelsius: device.targetCelsius, heating: device.heating,
                at: device.measuredAt)
        }
    }

    private func unknown(_ deviceID: String) -> Thermostat.ThermostatError {
        Thermostat.ThermostatError(code: .unknownDevice, message: "No thermostat '\(deviceID)'")
    }
}
