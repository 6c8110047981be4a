@testable import MQTT5
import NIOCore

typealias TestReconnectMachine = MQTTReconnectStateMachine<SplitMix64>

/// An ``MQTTReconnectAction`` reduced to what the tests compare.
enum ReconnectStep: Equatable, CustomStringConvertible {
    case attemptingConnect
    case connect(UInt64)
    case connectionFailure(connAck: MQTTConnectReasonCode?, MQTTError.Code)
    case disconnection(disconnect: MQTTDisconnectReasonCode?, MQTTError.Code)
    case connectionSucceeded(clientIdentifier: String)
    case scheduleReconnect(after: UInt64, delay: Duration)
    case cancelReconnect
    case disconnect
    case succeedStopWaiters
    case stopped(MQTTError.Code?)
    case other(String)

    init(_ action: MQTTReconnectAction) {
        switch action {
        case .connect(let attempt): self = .connect(attempt)
        case .emit(.attemptingConnect): self = .attemptingConnect
        case .emit(.connectionFailure(let connAck, let error)):
            self = .connectionFailure(connAck: connAck?.reasonCode, error.code)
        case .emit(.disconnection(let disconnect, let error)):
            self = .disconnection(disconnect: disconnect?.reasonCode, error.code)
        case .emit(let event): self = .other("emit \(event)")
        case .connectionSucceeded(_, let settings):
            self = .connectionSucceeded(clientIdentifier: settings.clientIdentifier)
        case .scheduleReconnect(let attempt, _, let delay): self = .scheduleReconnect(after: attempt, delay: delay)
        case .cancelReconnect: self = .cancelReconnect
        case .disconnect: self = .disconnect
        case .succeedStopWaiters: self = .succeedStopWaiters
        case .stopped(let error): self = .stopped(error?.code)
        }
    }

    var description: String {
        switch self {
        case .attemptingConnect: "attemptingConnect"
        case .connect(let attempt): "connect(\(attempt))"
        case .connectionFailure(let connAck, let code):
            "connectionFailure(\(connAck.map { "\($0)" } ?? "nil"), \(code))"
        case .disconnection(let disconnect, let code): "disconnection(\(disconnect.map { "\($0)" } ?? "nil"), \(code))"
        case .connectionSucceeded(let id): "connectionSucceeded(\(id))"
        case .scheduleReconnect(let attempt, let delay): "scheduleReconnect(after: \(attempt), \(delay))"
        case .cancelReconnect: "cancelReconnect"
        case .disconnect: "disconnect"
        case .succeedStopWaiters: "succeedStopWaiters"
        case .stopped(let code): "stopped(\(code.map { "\($0)" } ?? "nil"))"
        case .other(let text): text
        }
    }
}

/// Drives an ``MQTTReconnectStateMachine`` with a fake clock and a seeded generator, and plays
/// the shell's part: it records the scheduled reconnect deadline so tests can fire it.
struct ReconnectHarness {
    var machine: TestReconnectMachine
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    /// The deadline of the last `scheduleReconnect`, as the shell's timer would hold it.
    var reconnectDeadline: NIODeadline?

    static let fixedPolicy = MQTTReconnectPolicy(
        minimumDelay: .seconds(1), maximumDelay: .seconds(10), jitter: .none, resetAfter: .seconds(30))

    init(seed: UInt64 = 1, _ configure: (inout TestReconnectMachine.Configuration) -> Void = { _ in }) {
        var configuration = TestReconnectMachine.Configuration()
        configuration.reconnect = Self.fixedPolicy
        configuration.clientIdentifier = "c"
        configure(&configuration)
        machine = TestReconnectMachine(configuration: configuration, generator: SplitMix64(seed: seed))
    }

    var attempt: UInt64 { machine.attempt }

    mutating func record(_ actions: [MQTTReconnectAction]) -> [ReconnectStep] {
        for action in actions {
            switch action {
            case .scheduleReconnect(_, let deadline, _): reconnectDeadline = deadline
            case .cancelReconnect: reconnectDeadline = nil
            default: break
            }
        }
        return actions.map(ReconnectStep.init)
    }

    @discardableResult
    mutating func start() -> [ReconnectStep] {
        var actions: [MQTTReconnectAction] = []
        machine.start(into: &actions)
        return record(actions)
    }

    @discardableResult
    mutating func stop() -> [ReconnectStep] {
        var actions: [MQTTReconnectAction] = []
        machine.stop(disconnect: MQTTDisconnectPacket(), into: &actions)
        return record(actions)
    }

    @discardableResult
    mutating func opened(_ attempt: UInt64? = nil) -> TestReconnectMachine.TransportOpenedAction {
        machine.transportOpened(attempt: attempt ?? machine.attempt)
    }

    @discardableResult
    mutating func failAttempt(
        _ attempt: UInt64? = nil, _ error: MQTTError = MQTTError(code: .transportFailure, message: "refused")
    ) -> [ReconnectStep] {
        var actions: [MQTTReconnectAction] = []
        machine.connectAttemptFailed(attempt: attempt ?? machine.attempt, error: error, now: now, into: &actions)
        return record(actions)
    }

    @discardableResult
    mutating func accept(_ connAck: MQTTConnAckPacket = MQTTConnAckPacket()) -> [ReconnectStep] {
        var actions: [MQTTReconnectAction] = []
        let settings = MQTTNegotiatedSettings(
            protocolVersion: machine.configuration.protocolVersion, clientIdentifier: "", keepAlive: 60)
        machine.connectionAccepted(connAck, settings: settings, now: now, into: &actions)
        return record(actions)
    }

    @discardableResult
    mutating func close(
        _ error: MQTTError = MQTTError(code: .connectionClosed, message: "closed"), connAck: MQTTConnAckPacket? = nil,
        disconnect: MQTTDisconnectPacket? = nil
    ) -> [ReconnectStep] {
        var actions: [MQTTReconnectAction] = []
        machine.connectionClosed(error: error, connAck: connAck, disconnect: disconnect, now: now, into: &actions)
        return record(actions)
    }

    /// Advances the clock to the reconnect deadline and fires the timer.
    @discardableResult
    mutating func fireReconnect() -> [ReconnectStep] {
        guard let deadline = reconnectDeadline, case .waitingToReconnect(let after, _) = machine.state else {
            return []
        }
        now = deadline
        reconnectDeadline = nil
        var actions: [MQTTReconnectAction] = []
        machine.reconnectTimerFired(after: after, into: &actions)
        return record(actions)
    }

    /// Connects the current attempt: transport open, then the broker accepts.
    @discardableResult
    mutating func connect(_ connAck: MQTTConnAckPacket = MQTTConnAckPacket()) -> [ReconnectStep] {
        opened()
        return accept(connAck)
    }

    /// The CONNECT parameters a successful transport open of the next attempt gets, after a
    /// failure of the current one (the machine is left waiting for the next backoff).
    mutating func nextConnect() -> TestReconnectMachine.TransportOpenedAction {
        fireReconnect()
        return opened()
    }

    mutating func advance(_ amount: TimeAmount) { now = now + amount }
}
