@testable import MQTT5
import NIOCore
import Testing

/// Which session each CONNECT asks for, per ``MQTTSessionBehavior``, across attempts.
@Suite("Reconnect state machine: sessions")
struct MQTTReconnectStateMachineSessionTests {
    /// The Clean Start flags of: a failed first attempt, then a connection the broker accepts,
    /// then two reconnections.
    static func cleanStarts(
        _ behavior: MQTTSessionBehavior, version: MQTTProtocolVersion = .v5_0, clientIdentifier: String = "c"
    ) -> [Bool] {
        var harness = ReconnectHarness {
            $0.sessionBehavior = behavior
            $0.protocolVersion = version
            $0.clientIdentifier = clientIdentifier
        }
        var flags: [Bool] = []
        func record(_ action: TestReconnectMachine.TransportOpenedAction) {
            if case .sendConnect(_, let cleanStart) = action { flags.append(cleanStart) }
        }
        harness.start()
        record(harness.opened())
        harness.close(MQTTError(code: .connAckTimeout, message: "no CONNACK"))
        record(harness.nextConnect())
        harness.accept()
        harness.close()
        record(harness.nextConnect())
        harness.close()
        record(harness.nextConnect())
        return flags
    }

    @Test("clean: always Clean Start")
    func clean() {
        #expect(Self.cleanStarts(.clean) == [true, true, true, true])
    }

    @Test("rejoinPostSuccess: Clean Start until a broker first accepted a connection, then rejoin")
    func rejoinPostSuccess() {
        #expect(Self.cleanStarts(.rejoinPostSuccess) == [true, true, false, false])
    }

    @Test("rejoinAlways: never Clean Start")
    func rejoinAlways() {
        #expect(Self.cleanStarts(.rejoinAlways) == [false, false, false, false])
    }

    @Test("MQTT 3.1.1 without a client identifier cannot rejoin: always Clean Start")
    func v311WithoutIdentifier() {
        #expect(Self.cleanStarts(.rejoinAlways, version: .v3_1_1, clientIdentifier: "") == [true, true, true, true])
        #expect(
            Self.cleanStarts(.rejoinAlways, version: .v3_1_1, clientIdentifier: "c") == [false, false, false, false])
    }

    @Test("rejoinPostSuccess survives a stop and start: the session is still rejoined")
    func rejoinAfterRestart() {
        var harness = ReconnectHarness { $0.sessionBehavior = .rejoinPostSuccess }
        harness.start()
        harness.connect()
        harness.stop()
        harness.close(MQTTError(code: .clientStopped, message: "stopped"))
        harness.start()
        #expect(harness.opened() == .sendConnect(clientIdentifier: "c", cleanStart: false))
    }

    @Test("An assigned client identifier is reported and reused on every later CONNECT")
    func assignedIdentifier() {
        var harness = ReconnectHarness {
            $0.clientIdentifier = ""
            $0.sessionBehavior = .rejoinPostSuccess
        }
        harness.start()
        #expect(harness.opened() == .sendConnect(clientIdentifier: "", cleanStart: true))
        var properties = MQTTProperties()
        properties.assignedClientIdentifier = "auto-1"
        #expect(
            harness.accept(MQTTConnAckPacket(properties: properties)) == [
                .connectionSucceeded(clientIdentifier: "auto-1")
            ])
        harness.close()
        #expect(harness.nextConnect() == .sendConnect(clientIdentifier: "auto-1", cleanStart: false))
        // The broker does not assign one again: the remembered one is still reported.
        #expect(harness.accept() == [.connectionSucceeded(clientIdentifier: "auto-1")])
    }

    @Test("A configured client identifier wins over one the broker assigns")
    func configuredIdentifierWins() {
        var harness = ReconnectHarness()
        harness.start()
        harness.opened()
        var properties = MQTTProperties()
        properties.assignedClientIdentifier = "other"
        #expect(
            harness.accept(MQTTConnAckPacket(properties: properties)) == [.connectionSucceeded(clientIdentifier: "c")])
        harness.close()
        #expect(harness.nextConnect() == .sendConnect(clientIdentifier: "c", cleanStart: true))
    }
}
