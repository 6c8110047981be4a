import MQTT5
import MQTT5Testing
import NIOCore
import Testing

/// MQTT-3.14.2-2 from both ends: the embedded broker refuses a DISCONNECT that raises the session
/// expiry from 0, and the client never sends one.
@Suite("DISCONNECT session expiry (MQTT-3.14.2-2)", .timeLimit(.minutes(1)))
struct MQTTClientDisconnectTests {
    static func disconnect(expiry: UInt32) -> MQTTDisconnectPacket {
        var properties = MQTTProperties()
        properties.sessionExpiryInterval = expiry
        return MQTTDisconnectPacket(reasonCode: .normalDisconnection, properties: properties)
    }

    static func receivedDisconnects(_ broker: MQTTTestBroker, _ clientID: String) -> [MQTTDisconnectPacket] {
        broker.packetLog.compactMap { record in
            guard record.clientID == clientID, record.direction == .received,
                case .disconnect(let packet) = record.packet
            else { return nil }
            return packet
        }
    }

    @Test("a client connected with expiry 0 drops a non-zero expiry from its DISCONNECT; the broker accepts it")
    func clientDropsRaisedExpiry() async throws {
        try await withMQTTTestBroker { broker in
            let configuration = try MQTTClient.Configuration(
                url: "mqtt://\(broker.host):\(broker.port)", clientIdentifier: "zero-expiry")
            let client = MQTTClient(configuration: configuration)
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            await client.stop(disconnect: Self.disconnect(expiry: 3600))
            try await broker.waitForDisconnection(clientID: "zero-expiry")
            let received = Self.receivedDisconnects(broker, "zero-expiry")
            #expect(received.count == 1)
            #expect(received.first?.properties.sessionExpiryInterval == nil)
            #expect(received.first?.reasonCode == .normalDisconnection)
            let refusals = broker.packetLog.filter { record in
                guard record.direction == .sent, case .disconnect = record.packet else { return false }
                return true
            }
            #expect(refusals.isEmpty)
        }
    }

    @Test("a client connected with a non-zero expiry may change it in DISCONNECT")
    func clientKeepsExpiryChange() async throws {
        try await withMQTTTestBroker { broker in
            var configuration = try MQTTClient.Configuration(
                url: "mqtt://\(broker.host):\(broker.port)", clientIdentifier: "with-expiry")
            configuration.sessionExpiryInterval = 60
            let client = MQTTClient(configuration: configuration)
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            await client.stop(disconnect: Self.disconnect(expiry: 0))
            try await broker.waitForDisconnection(clientID: "with-expiry")
            #expect(Self.receivedDisconnects(broker, "with-expiry").first?.properties.sessionExpiryInterval == 0)
        }
    }

    @Test("the embedded broker answers a DISCONNECT that raises the expiry from 0 with 0x82")
    func brokerEnforcesTheRule() async throws {
        try await withMQTTTestBroker { broker in
            let raw = try await RawMQTTClient.connect(to: broker, clientID: "raw")
            try await raw.send(.disconnect(Self.disconnect(expiry: 10)))
            try await broker.waitForDisconnection(clientID: "raw")
            let sent = broker.packetLog.compactMap { record -> MQTTDisconnectPacket? in
                guard record.clientID == "raw", record.direction == .sent, case .disconnect(let packet) = record.packet
                else { return nil }
                return packet
            }
            #expect(sent.map(\.reasonCode) == [.protocolError])
        }
    }
}
