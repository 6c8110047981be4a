import NIOCore

/// Keeps a client connected, free of I/O: when to open a connection, how long to wait after a
/// failure (``MQTTBackoff``, reset after a connection that lasted), when to give up (a failure
/// that retrying cannot heal), when a stop completes, and which session each CONNECT asks for.
///
/// Events go in as method calls with the current time; what to do comes out as
/// ``MQTTReconnectAction``s appended to a buffer, which ``MQTTClientCore`` performs (timers,
/// channels, listeners). The protocol of each connection is ``MQTTConnectionStateMachine``'s.
/// `Generator` draws the backoff jitter (the system generator in the client, a seeded one in tests).
struct MQTTReconnectStateMachine<Generator: RandomNumberGenerator> {
    typealias Action = MQTTReconnectAction

    /// What the machine needs to know of the client's configuration.
    struct Configuration {
        /// The delays between attempts, and the connected time that resets them.
        var reconnect = MQTTReconnectPolicy()
        /// Which session each CONNECT asks for.
        var sessionBehavior: MQTTSessionBehavior = .clean
        /// The protocol version (3.1.1 cannot rejoin without a client identifier).
        var protocolVersion: MQTTProtocolVersion = .v5_0
        /// The configured client identifier; empty asks the broker to assign one.
        var clientIdentifier = ""
        /// How many endpoints the client rotates through (at least 1).
        var endpointCount = 1
        /// The order of each rotation.
        var endpointOrder: MQTTEndpointOrder = .inOrder

        /// The defaults: see each property.
        init() {}

        /// Takes the relevant parts of a client configuration.
        init(_ configuration: MQTTClient.Configuration) {
            reconnect = configuration.reconnect
            sessionBehavior = configuration.sessionBehavior
            protocolVersion = configuration.protocolVersion
            clientIdentifier = configuration.clientIdentifier
            endpointCount = configuration.endpoints.count
            endpointOrder = configuration.endpointOrder
        }
    }

    /// An open transport: the attempt that opened it and when the broker accepted it.
    struct Connection: Hashable {
        var attempt: UInt64
        /// Set by the accepting CONNACK; `nil` while CONNECT awaits its answer.
        var acceptedAt: NIODeadline?
    }

    /// Where the client stands.
    enum State: Hashable {
        /// Not running: no transport, no timer.
        case stopped
        /// Opening the transport of `attempt`.
        case connecting(attempt: UInt64)
        /// A transport is open: CONNECT sent, accepted once `acceptedAt` is set.
        case connected(Connection)
        /// Waiting for the backoff timer; `after` is the attempt that ended.
        case waitingToReconnect(after: UInt64, until: NIODeadline)
        /// A stop was asked for while a transport was open; waiting for it to close.
        case stopping(Connection)
    }

    /// The answer to ``transportOpened(attempt:)``.
    enum TransportOpenedAction: Hashable {
        /// Send CONNECT with this client identifier and Clean Start flag.
        case sendConnect(clientIdentifier: String, cleanStart: Bool)
        /// Close the transport: its attempt was abandoned (the client stopped meanwhile).
        case close
    }

    let configuration: Configuration
    var state: State = .stopped
    /// The delays between attempts.
    var backoff: MQTTBackoff
    /// The number of the latest attempt (each attempt gets the next one; the first is 1).
    var attempt: UInt64 = 0
    /// Why the last attempt failed or the last connection ended (cleared by a start).
    var lastError: MQTTError?
    /// Whether a broker ever accepted a connection (``MQTTSessionBehavior/rejoinPostSuccess``).
    var hadSuccessfulConnection = false
    /// The identifier a broker assigned, reused on every later CONNECT.
    var assignedClientIdentifier: String?
    /// Where backoff jitter comes from.
    var generator: Generator
    /// The endpoint rotation (``MQTTReconnectStateMachine+Failover``).
    var rotation: EndpointRotation

    /// Creates a stopped machine.
    init(configuration: Configuration, generator: Generator) {
        self.configuration = configuration
        self.backoff = MQTTBackoff(policy: configuration.reconnect)
        self.generator = generator
        self.rotation = EndpointRotation(count: configuration.endpointCount)
    }

    /// Whether the client is meant to stay connected (started and not stopped since).
    var isRunning: Bool {
        switch state {
        case .connecting, .connected, .waitingToReconnect: true
        case .stopped, .stopping: false
        }
    }

    /// Whether `attempt` is the attempt currently opening its transport.
    func isConnecting(attempt: UInt64) -> Bool {
        state == .connecting(attempt: attempt)
    }
}

extension MQTTReconnectStateMachine where Generator == SystemRandomNumberGenerator {
    /// Creates a stopped machine drawing jitter from the system generator.
    init(configuration: Configuration) {
        self.init(configuration: configuration, generator: SystemRandomNumberGenerator())
    }
}
