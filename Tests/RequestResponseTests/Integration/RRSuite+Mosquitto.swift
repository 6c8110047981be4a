import MQTT5Testing
import Testing

extension RRSuite {
    /// The request-response layer over `MQTTClient` and a real broker: every test starts its own
    /// private mosquitto (so they are independent), and is skipped where mosquitto is missing
    /// (unless `MQTT_RPC_REQUIRE_BROKER` is set: then it fails).
    /// Nested in ``RRSuite`` so that it runs serialised with the timing-sensitive unit tests.
    @Suite("Over mosquitto", .enabled(if: MosquittoBroker.shouldRunTests), .timeLimit(.minutes(1)))
    struct Mosquitto {}
}
