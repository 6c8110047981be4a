import MQTT5
import MQTT5Testing
import NIOCore
import Testing

@Suite("MQTTTestBroker: sessions and wills")
struct MQTTTestBrokerSessionTests {
    static func persistentConnect(_ clientID: String, cleanStart: Bool, expiry: UInt32 = 60) -> MQTTConnectPacket {
        var properties = MQTTProperties()
        properties.sessionExpiryInterval = expiry
        return MQTTConnectPacket(
            cleanStart: cleanStart, keepAlive: 0, clientIdentifier: clientID, properties: properties)
    }

    @Test("A resumed session keeps subscriptions and gets QoS 1 messages queued while offline")
    func resumption() async throws {
        try await withMQTTTestBroker { broker in
            let (first, connAck) = try await RawMQTTClient.connect(
                to: broker, Self.persistentConnect("device", cleanStart: true))
            #expect(connAck.sessionPresent == false)
            _ = try await first.subscribe("cmd/device", qos: .atLeastOnce)
            try await first.disconnect()
            try await broker.waitForDisconnection(clientID: "device")
            #expect(await broker.sessionClientIDs.contains("device"))

            try await broker.publish(topic: "cmd/device", payload: ByteBuffer(string: "queued"), qos: .atLeastOnce)
            try await broker.publish(topic: "cmd/device", payload: ByteBuffer(string: "lost"), qos: .atMostOnce)

            let (second, resumed) = try await RawMQTTClient.connect(
                to: broker, Self.persistentConnect("device", cleanStart: false))
            #expect(resumed.sessionPresent)
            let queued = try await second.receivePublish()
            #expect(queued.payload == ByteBuffer(string: "queued"))
            #expect(queued.qos == .atLeastOnce)
            try await second.send(.pubAck(MQTTPubAckPacket(packetIdentifier: try #require(queued.packetIdentifier))))
            try await second.expectNoPacket()
            // The subscription survived.
            try await broker.publish(topic: "cmd/device", payload: ByteBuffer(string: "live"))
            #expect(try await second.receivePublish().payload == ByteBuffer(string: "live"))
        }
    }

    @Test("Unacknowledged QoS 1 messages are resent with DUP on reconnect")
    func redelivery() async throws {
        try await withMQTTTestBroker { broker in
            let (first, _) = try await RawMQTTClient.connect(to: broker, Self.persistentConnect("d", cleanStart: true))
            _ = try await first.subscribe("t", qos: .atLeastOnce)
            try await broker.publish(topic: "t", payload: ByteBuffer(string: "m"), qos: .atLeastOnce)
            let original = try await first.receivePublish()
            #expect(original.dup == false)
            await first.close()
            try await broker.waitForDisconnection(clientID: "d")
            let (second, _) = try await RawMQTTClient.connect(
                to: broker, Self.persistentConnect("d", cleanStart: false))
            let resent = try await second.receivePublish()
            #expect(resent.dup)
            #expect(resent.packetIdentifier == original.packetIdentifier)
        }
    }

    @Test("Clean start discards the session")
    func cleanStartDiscards() async throws {
        try await withMQTTTestBroker { broker in
            let (first, _) = try await RawMQTTClient.connect(to: broker, Self.persistentConnect("d", cleanStart: true))
            _ = try await first.subscribe("t", qos: .atLeastOnce)
            try await first.disconnect()
            let (second, connAck) = try await RawMQTTClient.connect(
                to: broker, Self.persistentConnect("d", cleanStart: true))
            #expect(connAck.sessionPresent == false)
            #expect(await broker.subscriptions(clientID: "d").isEmpty)
            await second.close()
        }
    }

    @Test("A session with expiry 0 ends with the connection")
    func noExpiry() async throws {
        try await withMQTTTestBroker { broker in
            let first = try await RawMQTTClient.connect(to: broker, clientID: "brief")
            _ = try await first.subscribe("t")
            try await first.disconnect()
            try await broker.waitUntil { broker.connectedClientIDs.isEmpty }
            #expect(await broker.sessionClientIDs.isEmpty)
        }
    }

    @Test("MQTT 3.1.1 clean session false keeps the session")
    func persistentV311() async throws {
        try await withMQTTTestBroker { broker in
            let connect = MQTTConnectPacket(
                protocolVersion: .v3_1_1, cleanStart: false, keepAlive: 0, clientIdentifier: "legacy")
            let (first, _) = try await RawMQTTClient.connect(to: broker, connect)
            _ = try await first.subscribe("legacy/in", qos: .atLeastOnce)
            try await first.disconnect()
            try await broker.publish(topic: "legacy/in", payload: ByteBuffer(string: "x"), qos: .atLeastOnce)
            let (second, connAck) = try await RawMQTTClient.connect(to: broker, connect)
            #expect(connAck.sessionPresent)
            #expect(try await second.receivePublish().payload == ByteBuffer(string: "x"))
        }
    }

    static func connectWithWill(_ clientID: String, delay: UInt32? = nil) -> MQTTConnectPacket {
        var willProperties = MQTTProperties()
        willProperties.willDelayInterval = delay
        willProperties.contentType = "text/plain"
        let will = MQTTWill(
            topic: "status/\(clientID)", payload: ByteBuffer(string: "offline"), qos: .atLeastOnce,
            properties: willProperties)
        return MQTTConnectPacket(keepAlive: 0, clientIdentifier: clientID, will: will)
    }

    @Test("The will is published when the connection drops")
    func willOnAbnormalClose() async throws {
        try await withMQTTTestBroker { broker in
            let watcher = try await RawMQTTClient.connect(to: broker, clientID: "watcher")
            _ = try await watcher.subscribe("status/#", qos: .atLeastOnce)
            let (device, _) = try await RawMQTTClient.connect(to: broker, Self.connectWithWill("dev1"))
            await device.close()
            let will = try await watcher.receivePublish()
            #expect(will.topic == "status/dev1")
            #expect(will.payload == ByteBuffer(string: "offline"))
            #expect(will.qos == .atLeastOnce)
            #expect(will.properties.contentType == "text/plain")
        }
    }

    @Test("The will is published after a broker-side drop and after DISCONNECT 0x04")
    func willOnDropAndRequest() async throws {
        try await withMQTTTestBroker { broker in
            let watcher = try await RawMQTTClient.connect(to: broker, clientID: "watcher")
            _ = try await watcher.subscribe("status/#", qos: .atMostOnce)
            let (dropped, _) = try await RawMQTTClient.connect(to: broker, Self.connectWithWill("dropped"))
            #expect(await broker.dropConnection(clientID: "dropped"))
            _ = try await dropped.waitForClose()
            #expect(try await watcher.receivePublish().topic == "status/dropped")

            let (polite, _) = try await RawMQTTClient.connect(to: broker, Self.connectWithWill("polite"))
            try await polite.disconnect(.disconnectWithWillMessage)
            #expect(try await watcher.receivePublish().topic == "status/polite")
        }
    }

    @Test("No will after a normal DISCONNECT")
    func noWillOnDisconnect() async throws {
        try await withMQTTTestBroker { broker in
            let watcher = try await RawMQTTClient.connect(to: broker, clientID: "watcher")
            _ = try await watcher.subscribe("status/#", qos: .atLeastOnce)
            let (device, _) = try await RawMQTTClient.connect(to: broker, Self.connectWithWill("dev2"))
            try await device.disconnect()
            try await broker.waitForDisconnection(clientID: "dev2")
            try await watcher.expectNoPacket(within: .milliseconds(300))
        }
    }

    @Test("A delayed will is cancelled by a reconnect")
    func delayedWillCancelled() async throws {
        try await withMQTTTestBroker { broker in
            let watcher = try await RawMQTTClient.connect(to: broker, clientID: "watcher")
            _ = try await watcher.subscribe("status/#", qos: .atLeastOnce)
            var connect = Self.connectWithWill("dev3", delay: 1)
            connect.properties.sessionExpiryInterval = 60
            let (device, _) = try await RawMQTTClient.connect(to: broker, connect)
            await device.close()
            try await broker.waitForDisconnection(clientID: "dev3")
            connect.cleanStart = false
            let (again, connAck) = try await RawMQTTClient.connect(to: broker, connect)
            #expect(connAck.sessionPresent)
            try await watcher.expectNoPacket(within: .milliseconds(1300))
            await again.close()
        }
    }

    @Test("A session expires after its expiry interval")
    func sessionExpiry() async throws {
        try await withMQTTTestBroker { broker in
            let (first, _) = try await RawMQTTClient.connect(
                to: broker, Self.persistentConnect("short", cleanStart: true, expiry: 1))
            _ = try await first.subscribe("t", qos: .atLeastOnce)
            let disconnectedAt = ContinuousClock.now
            try await first.disconnect()
            let stillThere = await broker.sessionClientIDs
            if ContinuousClock.now - disconnectedAt < .milliseconds(800) {
                // Only checkable while the interval has certainly not run out (busy machines).
                #expect(stillThere == ["short"], "the session outlives its connection")
            }
            // It goes by itself once the interval has passed (bounded poll).
            while await !broker.sessionClientIDs.isEmpty, ContinuousClock.now - disconnectedAt < .seconds(6) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(await broker.sessionClientIDs.isEmpty)
            #expect(ContinuousClock.now - disconnectedAt >= .milliseconds(1000))
            let (second, connAck) = try await RawMQTTClient.connect(
                to: broker, Self.persistentConnect("short", cleanStart: false, expiry: 1))
            #expect(connAck.sessionPresent == false)
            await second.close()
        }
    }

    @Test("Queued messages whose message expiry passed are not delivered")
    func messageExpiry() async throws {
        try await withMQTTTestBroker { broker in
            let (first, _) = try await RawMQTTClient.connect(to: broker, Self.persistentConnect("m", cleanStart: true))
            _ = try await first.subscribe("t", qos: .atLeastOnce)
            try await first.disconnect()
            var expiring = MQTTProperties()
            expiring.messageExpiryInterval = 1
            try await broker.publish(
                topic: "t", payload: ByteBuffer(string: "stale"), qos: .atLeastOnce, properties: expiring)
            var lasting = MQTTProperties()
            lasting.messageExpiryInterval = 100
            try await broker.publish(
                topic: "t", payload: ByteBuffer(string: "fresh"), qos: .atLeastOnce, properties: lasting)
            try await Task.sleep(for: .milliseconds(1100))
            let (second, _) = try await RawMQTTClient.connect(
                to: broker, Self.persistentConnect("m", cleanStart: false))
            let delivered = try await second.receivePublish()
            #expect(delivered.payload == ByteBuffer(string: "fresh"))
            let remaining = try #require(delivered.properties.messageExpiryInterval)
            #expect(remaining < 100 && remaining >= 98)
            try await second.expectNoPacket()
        }
    }

    @Test("A delayed will is published after its delay")
    func delayedWillPublished() async throws {
        try await withMQTTTestBroker { broker in
            let watcher = try await RawMQTTClient.connect(to: broker, clientID: "watcher")
            _ = try await watcher.subscribe("status/#", qos: .atLeastOnce)
            var connect = Self.connectWithWill("dev4", delay: 1)
            connect.properties.sessionExpiryInterval = 60
            let (device, _) = try await RawMQTTClient.connect(to: broker, connect)
            await device.close()
            try await watcher.expectNoPacket(within: .milliseconds(500))
            // Due one second after the close; the bound leaves room for a loaded machine.
            #expect(try await watcher.receivePublish(timeout: .seconds(10)).topic == "status/dev4")
        }
    }

    @Test("Messages larger than the client's Maximum Packet Size are discarded")
    func clientMaximumPacketSize() async throws {
        try await withMQTTTestBroker { broker in
            var properties = MQTTProperties()
            properties.maximumPacketSize = 64
            let (client, _) = try await RawMQTTClient.connect(
                to: broker, MQTTConnectPacket(keepAlive: 0, clientIdentifier: "tiny", properties: properties))
            _ = try await client.subscribe("t", qos: .atLeastOnce)
            try await broker.publish(
                topic: "t", payload: ByteBuffer(string: String(repeating: "x", count: 100)), qos: .atLeastOnce)
            try await broker.publish(topic: "t", payload: ByteBuffer(string: "small"), qos: .atLeastOnce)
            #expect(try await client.receivePublish().payload == ByteBuffer(string: "small"))
            try await client.expectNoPacket()
        }
    }
}
