@testable import MQTT5
import NIOCore
import Testing

@Suite("Connection state machine: connect, keep-alive, disconnect")
struct MQTTConnectionStateMachineConnectTests {
    @Test("CONNECT is sent on establishment and CONNACK yields negotiated settings")
    func connectAndNegotiate() {
        var harness = StateMachineHarness()
        let first = harness.establish()
        #expect(first.sent.count == 1)
        guard case .connect(let connect) = first.sent.first else {
            Issue.record("no CONNECT")
            return
        }
        #expect(connect.clientIdentifier == "c")
        let connAck = MQTTConnAckPacket.with { properties in
            properties.receiveMaximum = 10
            properties.maximumQoS = .atLeastOnce
            properties.retainAvailable = false
            properties.maximumPacketSize = 1000
            properties.topicAliasMaximum = 5
            properties.serverKeepAlive = 30
            properties.assignedClientIdentifier = "assigned"
            properties.wildcardSubscriptionAvailable = false
            properties.sharedSubscriptionAvailable = false
            properties.subscriptionIdentifiersAvailable = false
        }
        let actions = harness.receive(.connAck(connAck))
        guard let (_, settings) = actions.connected else {
            Issue.record("not connected")
            return
        }
        #expect(settings.receiveMaximumFromServer == 10)
        #expect(settings.maximumQoS == .atLeastOnce)
        #expect(settings.retainAvailable == false)
        #expect(settings.maximumPacketSizeToServer == 1000)
        #expect(settings.topicAliasMaximumToServer == 5)
        #expect(settings.serverKeepAlive == 30)
        #expect(settings.clientIdentifier == "assigned")
        #expect(
            !settings.wildcardSubscriptionsAvailable && !settings.sharedSubscriptionsAvailable
                && !settings.subscriptionIdentifiersAvailable)
        #expect(harness.machine.isConnected)
    }

    @Test("MQTT 3.1.1 negotiates the protocol defaults")
    func version311Defaults() {
        var harness = StateMachineHarness { $0.protocolVersion = .v3_1_1 }
        let actions = harness.connect()
        #expect(actions.connected?.1.protocolVersion == .v3_1_1)
        #expect(actions.connected?.1.maximumQoS == .exactlyOnce)
        #expect(actions.connected?.1.receiveMaximumFromServer == 65_535)
    }

    @Test("An error CONNACK closes with connectionRefused, reason code and reason string")
    func refused() {
        var harness = StateMachineHarness()
        harness.establish()
        var properties = MQTTProperties()
        properties.reasonString = "who are you"
        let actions = harness.receive(.connAck(MQTTConnAckPacket(reasonCode: .notAuthorized, properties: properties)))
        #expect(actions.closes)
        #expect(actions.connected == nil)
        let (outcome, _) = harness.closed()
        #expect(outcome.reason.error.code == .connectionRefused)
        #expect(outcome.reason.error.reasonCode == .connAck(.notAuthorized))
        #expect(outcome.reason.error.reasonString == "who are you")
        #expect(outcome.reason.connAck?.reasonCode == .notAuthorized)
        #expect(!outcome.wasConnected)
    }

    @Test("No CONNACK within the timeout closes with connAckTimeout")
    func connAckTimeout() {
        var harness = StateMachineHarness { $0.connAckTimeout = .seconds(2) }
        harness.establish()
        #expect(harness.machine.nextDeadline == harness.now + .seconds(2))
        #expect(!harness.advance(by: .seconds(1)).closes)
        #expect(harness.advance(by: .seconds(1)).closes)
        #expect(harness.closed().0.reason.error.code == .connAckTimeout)
    }

    @Test("A packet other than CONNACK before CONNACK is a protocol error")
    func packetBeforeConnAck() {
        var harness = StateMachineHarness()
        harness.establish()
        let actions = harness.receive(.pingResp)
        #expect(actions.sentDisconnect?.reasonCode == .protocolError)
        #expect(actions.closes)
    }

    @Test("PINGREQ after keep-alive of silence; PINGRESP clears it; no PINGRESP closes with pingTimeout")
    func keepAlive() {
        var harness = StateMachineHarness {
            $0.keepAlive = 10
            $0.pingTimeout = .seconds(3)
        }
        harness.connect()
        #expect(harness.machine.nextDeadline == harness.now + .seconds(10))
        #expect(harness.advance(by: .seconds(5)).sent.isEmpty)
        // Traffic postpones the ping.
        harness.publish(qos: .atMostOnce, token: nil)
        #expect(harness.advance(by: .seconds(6)).sent.isEmpty)
        let ping = harness.advance(by: .seconds(4))
        #expect(ping.sent == [.pingReq])
        harness.receive(.pingResp)
        #expect(harness.machine.pingSentAt == nil)
        #expect(harness.advance(by: .seconds(10)).sent == [.pingReq])
        #expect(!harness.advance(by: .seconds(2)).closes)
        #expect(harness.advance(by: .seconds(1)).closes)
        #expect(harness.closed().0.reason.error.code == .pingTimeout)
    }

    @Test("The server keep-alive replaces the requested one; zero turns pings off")
    func serverKeepAlive() {
        var harness = StateMachineHarness { $0.keepAlive = 60 }
        harness.connect(.with { $0.serverKeepAlive = 5 })
        #expect(harness.advance(by: .seconds(5)).sent == [.pingReq])
        var off = StateMachineHarness { $0.keepAlive = 60 }
        off.connect(.with { $0.serverKeepAlive = 0 })
        #expect(off.machine.nextDeadline == nil)
    }

    @Test("Server DISCONNECT closes with its reason code, reason string and server reference")
    func serverDisconnect() {
        var harness = StateMachineHarness()
        harness.connect()
        var properties = MQTTProperties()
        properties.reasonString = "maintenance"
        properties.serverReference = "other.example"
        let disconnect = MQTTDisconnectPacket(reasonCode: .useAnotherServer, properties: properties)
        let actions = harness.receive(.disconnect(disconnect))
        #expect(actions.closes)
        #expect(actions.sent.isEmpty)
        let (outcome, _) = harness.closed()
        #expect(outcome.wasConnected)
        #expect(outcome.reason.disconnect == disconnect)
        #expect(outcome.reason.error.code == .serverDisconnected)
        #expect(outcome.reason.error.reasonCode == .disconnect(.useAnotherServer))
        #expect(outcome.reason.error.reasonString == "maintenance")
        #expect(outcome.reason.error.serverReference == "other.example")
    }

    @Test("A decoding error sends DISCONNECT with the codec's reason code")
    func malformed() {
        var harness = StateMachineHarness()
        harness.connect()
        var actions: [TestAction] = []
        harness.machine.decodingFailed(.malformedPacket("bad"), into: &actions)
        #expect(actions.sentDisconnect?.reasonCode == .malformedPacket)
        #expect(actions.closes)
        #expect(harness.closed().0.reason.error.code == .protocolViolation)
    }

    @Test("A client disconnect sends DISCONNECT and closes; later events are ignored")
    func clientDisconnect() {
        var harness = StateMachineHarness()
        harness.connect()
        var actions: [TestAction] = []
        harness.machine.disconnect(
            MQTTDisconnectPacket(reasonCode: .disconnectWithWillMessage),
            error: MQTTError(code: .clientStopped, message: "stop"), now: harness.now, into: &actions)
        #expect(actions.sentDisconnect?.reasonCode == .disconnectWithWillMessage)
        #expect(actions.closes)
        #expect(harness.receive(.pingResp).isEmpty)
        #expect(harness.closed().0.reason.error.code == .clientStopped)
    }

    @Test(
        "Enhanced authentication: AUTH continue is handed out and the reply sent; re-authentication completes on AUTH success"
    )
    func enhancedAuthentication() {
        var harness = StateMachineHarness { $0.enhancedAuthentication = true }
        harness.establish()
        var properties = MQTTProperties()
        properties.authenticationMethod = "SCRAM"
        let challenge = MQTTAuthPacket(reasonCode: .continueAuthentication, properties: properties)
        let actions = harness.receive(.auth(challenge))
        #expect(actions.contains { if case .authenticate(challenge) = $0 { true } else { false } })
        var reply: [TestAction] = []
        harness.machine.sendAuth(
            MQTTAuthPacket(reasonCode: .continueAuthentication, properties: properties), now: harness.now, into: &reply)
        #expect(reply.sent.count == 1)
        harness.receive(.connAck(MQTTConnAckPacket()))
        var reauth: [TestAction] = []
        harness.machine.reauthenticate(
            MQTTAuthPacket(reasonCode: .reAuthenticate, properties: properties), token: 7, now: harness.now,
            into: &reauth)
        #expect(reauth.sent.count == 1)
        let done = harness.receive(.auth(MQTTAuthPacket(reasonCode: .success, properties: properties)))
        #expect(done.contains { if case .succeedAuth(7, _) = $0 { true } else { false } })
    }

    @Test("AUTH without a configured method is a protocol error")
    func unexpectedAuth() {
        var harness = StateMachineHarness()
        harness.connect()
        let actions = harness.receive(.auth(MQTTAuthPacket(reasonCode: .continueAuthentication)))
        #expect(actions.sentDisconnect?.reasonCode == .protocolError)
    }
}
