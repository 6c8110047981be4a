@testable import MQTT5
import NIOCore

typealias TestMachine = MQTTConnectionStateMachine<Int>
typealias TestAction = MQTTConnectionAction<Int>

/// Drives a ``MQTTConnectionStateMachine`` with integer tokens and a fake clock.
struct StateMachineHarness {
    var machine: TestMachine
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    init(_ configure: (inout TestMachine.Configuration) -> Void = { _ in }) {
        var configuration = TestMachine.Configuration()
        configuration.ackTimeout = nil
        configure(&configuration)
        machine = TestMachine(configuration: configuration)
    }

    static func connect(
        _ clientIdentifier: String = "c", cleanStart: Bool = true, version: MQTTProtocolVersion = .v5_0
    ) -> MQTTConnectPacket {
        MQTTConnectPacket(
            protocolVersion: version, cleanStart: cleanStart, keepAlive: 60, clientIdentifier: clientIdentifier)
    }

    @discardableResult
    mutating func establish(cleanStart: Bool = true) -> [TestAction] {
        var actions: [TestAction] = []
        machine.connectionEstablished(
            connect: Self.connect(cleanStart: cleanStart, version: machine.version), now: now, into: &actions)
        return actions
    }

    /// Establishes the transport and answers CONNACK.
    @discardableResult
    mutating func connect(_ connAck: MQTTConnAckPacket = MQTTConnAckPacket(), cleanStart: Bool = true) -> [TestAction] {
        establish(cleanStart: cleanStart) + receive(.connAck(connAck))
    }

    /// Receives `packet`; like the client, acknowledges a delivered QoS 1 or 2 publish at once
    /// unless `deferAcknowledgements` is set.
    @discardableResult
    mutating func receive(_ packet: MQTTPacket, deferAcknowledgements: Bool = false) -> [TestAction] {
        var actions: [TestAction] = []
        machine.receive(packet, now: now, into: &actions)
        if !deferAcknowledgements {
            for case .deliver(_, let acknowledgement?) in actions {
                machine.acknowledge(acknowledgement, now: now, into: &actions)
            }
        }
        return actions
    }

    /// Sends the acknowledgement a deferred delivery owes (when the order allows).
    @discardableResult
    mutating func acknowledge(_ acknowledgement: MQTTInboundAcknowledgementID) -> [TestAction] {
        var actions: [TestAction] = []
        machine.acknowledge(acknowledgement, now: now, into: &actions)
        return actions
    }

    @discardableResult
    mutating func submit(_ operation: TestMachine.Operation, token: Int?) -> [TestAction] {
        var actions: [TestAction] = []
        machine.submit(operation, token: token, now: now, into: &actions)
        return actions
    }

    @discardableResult
    mutating func publish(
        _ topic: String = "t", qos: MQTTQoS, token: Int?, retain: Bool = false, payload: String = "x",
        properties: MQTTProperties = MQTTProperties()
    ) -> [TestAction] {
        submit(
            .publish(
                MQTTPublishPacket(
                    topic: topic, payload: ByteBuffer(string: payload), qos: qos, retain: retain, properties: properties
                )), token: token)
    }

    @discardableResult
    mutating func subscribe(
        _ filters: [String], token: Int?, properties: MQTTProperties = MQTTProperties()
    ) -> [TestAction] {
        submit(
            .subscribe(
                MQTTSubscribePacket(
                    packetIdentifier: 1, subscriptions: filters.map { MQTTSubscription(topicFilter: $0) },
                    properties: properties)), token: token)
    }

    @discardableResult
    mutating func advance(by amount: TimeAmount) -> [TestAction] {
        now = now + amount
        var actions: [TestAction] = []
        machine.timerFired(now: now, into: &actions)
        return actions
    }

    @discardableResult
    mutating func closed() -> (TestMachine.ClosedOutcome, [TestAction]) {
        var actions: [TestAction] = []
        let outcome = machine.connectionClosed(now: now, into: &actions)
        return (outcome, actions)
    }
}

extension Array where Element == TestAction {
    var sent: [MQTTPacket] {
        compactMap { if case .send(let packet) = $0 { packet } else { nil } }
    }

    var sentPublishes: [MQTTPublishPacket] {
        sent.compactMap { if case .publish(let publish) = $0 { publish } else { nil } }
    }

    var delivered: [MQTTPublishPacket] {
        compactMap { if case .deliver(let publish, _) = $0 { publish } else { nil } }
    }

    var acknowledgements: [MQTTInboundAcknowledgementID] {
        compactMap { if case .deliver(_, let acknowledgement?) = $0 { acknowledgement } else { nil } }
    }

    var failures: [(Int, MQTTError)] {
        compactMap { if case .fail(let token, let error) = $0 { (token, error) } else { nil } }
    }

    var failedTokens: [Int] { failures.map(\.0) }

    var publishResults: [(Int, MQTTPublishResult)] {
        compactMap { if case .succeedPublish(let token, let result) = $0 { (token, result) } else { nil } }
    }

    var subAcks: [(Int, MQTTSubAckPacket)] {
        compactMap { if case .succeedSubscribe(let token, let subAck) = $0 { (token, subAck) } else { nil } }
    }

    var closes: Bool {
        contains { if case .close = $0 { true } else { false } }
    }

    var connected: (MQTTConnAckPacket, MQTTNegotiatedSettings)? {
        for action in self {
            if case .connected(let connAck, let settings) = action { return (connAck, settings) }
        }
        return nil
    }

    var sentDisconnect: MQTTDisconnectPacket? {
        for packet in sent {
            if case .disconnect(let disconnect) = packet { return disconnect }
        }
        return nil
    }
}

extension MQTTConnAckPacket {
    static func with(sessionPresent: Bool = false, _ configure: (inout MQTTProperties) -> Void) -> MQTTConnAckPacket {
        var properties = MQTTProperties()
        configure(&properties)
        return MQTTConnAckPacket(sessionPresent: sessionPresent, reasonCode: .success, properties: properties)
    }
}
