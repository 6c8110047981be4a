import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import Testing

@Suite(
    "Message flows (amqtt's Incoming/OutgoingApplicationMessage) against the embedded broker", .timeLimit(.minutes(1)))
struct MQTTClientMessageFlowTests {
    @Test(
        "QoS 1 and 2 flows in both directions: every packet, in order, including PUBREL and the client's own acknowledgements"
    )
    func bothDirections() async throws {
        try await withMQTTTestBroker { broker in
            let client = MQTTClient(configuration: try .test(url: broker.endpoint, clientIdentifier: "flows"))
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            try await client.subscribe(to: "flow/#", qos: .exactlyOnce)
            let flows = client.messageFlows()
            try await client.publish(to: "flow/1", payload: ByteBuffer(string: "one"), qos: .atLeastOnce)
            try await client.publish(to: "flow/2", payload: ByteBuffer(string: "two"), qos: .exactlyOnce)
            try await client.publish(to: "flow/0", payload: ByteBuffer(string: "zero"), qos: .atMostOnce)
            let log = try await MessageFlowLog.collect(flows, completing: 4)
            #expect(log.steps["outgoing-flow/1"] == ["sent PUBLISH", "received PUBACK"])
            #expect(
                log.steps["outgoing-flow/2"] == ["sent PUBLISH", "received PUBREC", "sent PUBREL", "received PUBCOMP"])
            #expect(log.steps["incoming-flow/1"] == ["received PUBLISH", "sent PUBACK"])
            #expect(
                log.steps["incoming-flow/2"] == ["received PUBLISH", "sent PUBREC", "received PUBREL", "sent PUBCOMP"])
            #expect(log.steps["outgoing-flow/0"] == nil)  // QoS 0 has no flow
            let outgoing2 = try #require(log.completed["outgoing-flow/2"])
            #expect(outgoing2.publish?.payload.text == "two")
            #expect(
                outgoing2.pubRec != nil && outgoing2.pubRel != nil && outgoing2.pubComp != nil
                    && outgoing2.pubAck == nil)
            let incoming1 = try #require(log.completed["incoming-flow/1"])
            #expect(incoming1.pubAck?.packetIdentifier == incoming1.packetIdentifier)
            let incoming2 = try #require(log.completed["incoming-flow/2"])
            #expect(incoming2.pubRel?.packetIdentifier == incoming2.packetIdentifier)
            // The wire agrees: the broker received the client's acknowledgements of incoming flows
            // (the client reports "sent" when it writes, so the broker may read the last one later).
            var received: [MQTTPacketType] = []
            let deadline = ContinuousClock.now + .seconds(5)
            repeat {
                received = broker.receivedPackets(clientID: "flows").map(\.packetType)
                if received.contains(.pubAck) && received.contains(.pubRec) && received.contains(.pubComp) { break }
                try await Task.sleep(for: .milliseconds(10))
            } while ContinuousClock.now < deadline
            #expect(received.contains(.pubAck) && received.contains(.pubRec) && received.contains(.pubComp))
            await client.stop()
        }
    }

    @Test("a flow the broker refuses ends at its PUBREC with an error reason code")
    func refusedQoS2() async throws {
        try await withMQTTTestBroker { broker in
            broker.updateFaults { faults in
                faults.publishResult = { _, _ in .notAuthorized }
            }
            let client = MQTTClient(configuration: try .test(url: broker.endpoint, clientIdentifier: "refused"))
            client.start()
            try await client.waitForConnection(timeout: .seconds(10))
            let flows = client.messageFlows()
            let result = try await client.publish(to: "denied", payload: ByteBuffer(string: "x"), qos: .exactlyOnce)
            #expect(!result.isSuccess)
            let log = try await MessageFlowLog.collect(flows, completing: 1)
            #expect(log.steps["outgoing-denied"] == ["sent PUBLISH", "received PUBREC"])
            #expect(log.completed["outgoing-denied"]?.pubRec?.reasonCode.isError == true)
            await client.stop()
        }
    }
}
