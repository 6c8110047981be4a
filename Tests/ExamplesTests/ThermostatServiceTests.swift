import ArgumentParser
import Testing
@testable import ThermostatService

/// `swift run ThermostatService --demo`, run in process: the ServiceGroup of the MQTT client and
/// the responder serves a caller, then shuts down gracefully and returns.
@Suite struct ThermostatServiceTests {
    @Test(.timeLimit(.minutes(1)))
    func demoServesThenShutsDown() async throws {
        let command = try ThermostatService.parse(["--demo", "--client-id", "thermostat-service-test"])
        try await command.run()
    }
}
