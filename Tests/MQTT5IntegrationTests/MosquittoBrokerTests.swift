import Foundation
import MQTT5Testing
import Testing

@Suite struct MosquittoBrokerTests {
    /// CI sets `MQTT_RPC_REQUIRE_BROKER=1`: then a missing mosquitto is a failure with this
    /// message, not a skipped suite.
    @Test(.enabled(if: MosquittoBroker.isRequired))
    func requiredBrokerIsInstalled() {
        #expect(
            MosquittoBroker.isAvailable,
            "\(MosquittoBroker.requirementEnvironmentVariable) is set but mosquitto is not installed (apt-get install -y mosquitto)"
        )
    }

    @Test func startsOnFreePortAndStops() async throws {
        let broker = try await MosquittoBroker.start()
        #expect(broker.pid != nil)
        #expect(MosquittoBroker.acceptsConnectionsForTests(port: broker.port))
        broker.stop()
        #expect(broker.pid == nil)
        #expect(!MosquittoBroker.acceptsConnectionsForTests(port: broker.port))
        try await broker.restart()
        #expect(MosquittoBroker.acceptsConnectionsForTests(port: broker.port))
        broker.kill()
    }
}
