import Foundation
import MQTT5Testing
import Testing

@Suite struct MosquittoBrokerTests {
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
