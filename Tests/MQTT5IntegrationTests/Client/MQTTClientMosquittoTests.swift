@testable import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Testing

@Suite("Client against mosquitto", .timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientMosquittoTests {
    @Test("Connects and disconnects", arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
    func connectDisconnect(version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let client = MQTTClient(
            configuration: try .test(
                url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "cd-\(version.rawValue)", version: version))
        let events = EventRecorder(client)
        client.start()
        let (connAck, settings) = try await events.connectionSuccess()
        #expect(connAck.reasonCode == .success)
        #expect(settings.protocolVersion == version)
        #expect(settings.clientIdentifier == "cd-\(version.rawValue)")
        #expect(client.isConnected)
        #expect(client.negotiatedSettings == settings)
        await client.stop()
        #expect(try await events.stopped() == nil)
        #expect(!client.isConnected)
    }

    @Test("QoS 0, 1 and 2 round trips in both protocol versions", arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
    func roundTrips(version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "rt-\(version.rawValue)", version: version)
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            let topic = uniqueTopic("roundtrip")
            let received = PublishRecorder(client, matching: topic)
            let subAck = try await client.subscribe(to: topic, qos: .exactlyOnce)
            #expect(subAck.reasonCodes == [.grantedQoS2])
            for qos in [MQTTQoS.atMostOnce, .atLeastOnce, .exactlyOnce] {
                var properties = MQTTProperties()
                properties.contentType = "text/plain"
                properties.userProperties = [MQTTUserProperty(name: "k", value: "v")]
                let result = try await client.publish(
                    to: topic, payload: ByteBuffer(string: "qos\(qos.rawValue)"), qos: qos, properties: properties)
                #expect(result.isSuccess)
                switch qos {
                case .atMostOnce: #expect(result.pubAck == nil && result.pubComp == nil)
                case .atLeastOnce: #expect(result.pubAck != nil)
                case .exactlyOnce: #expect(result.pubRec != nil && result.pubComp != nil)
                }
                let message = try await received.next()
                #expect(message.topic == topic)
                #expect(message.qos == qos)
                #expect(message.payload.text == "qos\(qos.rawValue)")
                if version == .v5_0 {
                    #expect(message.properties.contentType == "text/plain")
                    #expect(message.properties.userProperties == [MQTTUserProperty(name: "k", value: "v")])
                }
            }
            let unsubAck = try await client.unsubscribe([topic])
            if version == .v5_0 { #expect(unsubAck.reasonCodes == [.success]) }
        }
    }

    @Test("Retained messages reach later subscribers with RETAIN set")
    func retained() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let url = "mqtt://127.0.0.1:\(broker.port)"
        let topic = uniqueTopic("retained")
        try await withMQTTClient(configuration: try .test(url: url, clientIdentifier: "retainer")) { client in
            try await client.publish(to: topic, payload: ByteBuffer(string: "kept"), qos: .atLeastOnce, retain: true)
        }
        try await withMQTTClient(configuration: try .test(url: url, clientIdentifier: "late")) { client in
            let received = PublishRecorder(client, matching: topic)
            try await client.subscribe([MQTTSubscription(topicFilter: topic, qos: .atLeastOnce)])
            let message = try await received.next()
            #expect(message.retain)
            #expect(message.payload.text == "kept")
            // Retain handling "do not send" suppresses it.
            try await client.unsubscribe([topic])
            try await client.subscribe([
                MQTTSubscription(topicFilter: topic, qos: .atLeastOnce, retainHandling: .doNotSend)
            ])
            await #expect(throws: TestTimeout.self) { try await received.next(timeout: .milliseconds(300)) }
        }
    }

    @Test("The will message (with its properties) is published on an abnormal close, not on a normal one")
    func will() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let url = "mqtt://127.0.0.1:\(broker.port)"
        let topic = uniqueTopic("will")
        try await withMQTTClient(configuration: try .test(url: url, clientIdentifier: "watcher")) { watcher in
            let wills = PublishRecorder(watcher, matching: topic)
            try await watcher.subscribe(to: topic)
            var configuration = try MQTTClient.Configuration.test(url: url, clientIdentifier: "mortal")
            var willProperties = MQTTProperties()
            willProperties.contentType = "text/plain"
            willProperties.userProperties = [MQTTUserProperty(name: "reason", value: "crash")]
            configuration.will = MQTTWill(
                topic: topic, payload: ByteBuffer(string: "gone"), qos: .atLeastOnce, properties: willProperties)
            // A normal DISCONNECT: no will.
            try await withMQTTClient(configuration: configuration) { _ in }
            await #expect(throws: TestTimeout.self) { try await wills.next(timeout: .milliseconds(300)) }
            // An abnormal close: the will arrives.
            let mortal = MQTTClient(configuration: configuration)
            let events = EventRecorder(mortal)
            mortal.start()
            try await events.connectionSuccess()
            mortal.dropConnectionForTesting()
            let will = try await wills.next()
            #expect(will.payload.text == "gone")
            #expect(will.properties.contentType == "text/plain")
            #expect(will.properties.userProperties == [MQTTUserProperty(name: "reason", value: "crash")])
            await mortal.stop()
        }
    }

    @Test("Session resumption across client reconnects delivers the QoS 1 messages queued meanwhile")
    func sessionResumption() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let url = "mqtt://127.0.0.1:\(broker.port)"
        let topic = uniqueTopic("session")
        var configuration = try MQTTClient.Configuration.test(url: url, clientIdentifier: "durable")
        configuration.sessionBehavior = .rejoinAlways
        configuration.sessionExpiryInterval = 300
        // First life: subscribe, leave.
        let first = MQTTClient(configuration: configuration)
        first.start()
        try await first.waitForConnection(timeout: .seconds(5))
        try await first.subscribe(to: topic, qos: .atLeastOnce)
        await first.stop()
        // Messages published while away.
        try await withMQTTClient(configuration: try .test(url: url, clientIdentifier: "sender")) { sender in
            for index in 0..<3 {
                try await sender.publish(to: topic, payload: ByteBuffer(string: "m\(index)"), qos: .atLeastOnce)
            }
        }
        // Second life (a new client object, same identifier): the session and its queue are there.
        let second = MQTTClient(configuration: configuration)
        let received = PublishRecorder(second, matching: topic)
        let events = EventRecorder(second)
        second.start()
        let (connAck, settings) = try await events.connectionSuccess()
        #expect(connAck.sessionPresent)
        #expect(settings.rejoinedSession)
        var payloads: [String] = []
        for _ in 0..<3 { payloads.append(try await received.next().payload.text) }
        #expect(payloads == ["m0", "m1", "m2"])
        // An abrupt drop: the client rejoins by itself and gets what was sent meanwhile.
        second.dropConnectionForTesting()
        try await events.disconnection()
        try await withMQTTClient(configuration: try .test(url: url, clientIdentifier: "sender2")) { sender in
            try await sender.publish(to: topic, payload: ByteBuffer(string: "while-away"), qos: .atLeastOnce)
        }
        let (again, _) = try await events.connectionSuccess()
        #expect(again.sessionPresent)
        #expect(try await received.next().payload.text == "while-away")
        await second.stop()
    }

    @Test("After the broker is killed and restarted the client comes back by itself, events in order")
    func brokerRestart() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let client = MQTTClient(
            configuration: try .test(url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "phoenix"))
        let events = EventRecorder(client)
        client.start()
        try await events.connectionSuccess()
        broker.kill()
        let (_, error) = try await events.disconnection()
        #expect(error.code == .connectionClosed)
        // While the broker is away, attempts fail.
        try await events.next { if case .attemptingConnect = $0 { true } else { false } }
        let (_, failure) = try await events.connectionFailure()
        #expect(failure.code == .transportFailure)
        try await broker.restart()
        var sawSuccess = false
        while !sawSuccess {
            switch try await events.events.next(timeout: .seconds(5)) {
            case .attemptingConnect, .connectionFailure: continue
            case .connectionSuccess: sawSuccess = true
            case let other: Issue.record("unexpected event \(other)")
            }
        }
        let topic = uniqueTopic("phoenix")
        let received = PublishRecorder(client, matching: topic)
        try await client.subscribe(to: topic)
        try await client.publish(to: topic, payload: ByteBuffer(string: "back"), qos: .atLeastOnce)
        #expect(try await received.next().payload.text == "back")
        await client.stop()
    }

    @Test("QoS 1 publishes submitted while offline are sent after connecting; QoS 0 ones are refused")
    func offlineQueue() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let url = "mqtt://127.0.0.1:\(broker.port)"
        let topic = uniqueTopic("offline")
        try await withMQTTClient(configuration: try .test(url: url, clientIdentifier: "listener")) { listener in
            let received = PublishRecorder(listener, matching: topic)
            try await listener.subscribe(to: topic)
            let client = MQTTClient(configuration: try .test(url: url, clientIdentifier: "offline"))
            await #expect {
                try await client.publish(to: topic, payload: ByteBuffer(string: "q0"), qos: .atMostOnce)
            } throws: { ($0 as? MQTTError)?.code == .offline }
            async let queued = client.publish(to: topic, payload: ByteBuffer(string: "q1"), qos: .atLeastOnce)
            while client.statistics.incompleteOperationCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            client.start()
            #expect(try await queued.isSuccess)
            #expect(try await received.next().payload.text == "q1")
            await client.stop()
        }
    }
}
