public import Logging
public import NIOCore

extension MQTTTestBroker {
    /// How to start an ``MQTTTestBroker``.
    ///
    /// The defaults listen on a free loopback port, advertise full MQTT 5 capabilities and log
    /// nothing:
    ///
    /// ```swift
    /// var configuration = MQTTTestBroker.Configuration()
    /// configuration.capabilities.maximumQoS = .atLeastOnce
    /// let broker = try await MQTTTestBroker.start(configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// The address to listen on. Defaults to the IPv4 loopback address.
        public var host: String = "127.0.0.1"
        /// The TCP port to listen on; `0` (the default) picks a free port, see ``MQTTTestBroker/port``.
        public var port: Int = 0
        /// What the broker advertises in CONNACK and enforces; changeable later through
        /// ``MQTTTestBroker/capabilities``.
        public var capabilities: Capabilities = Capabilities()
        /// Faults active from the first connection on; changeable later through ``MQTTTestBroker/faults``.
        public var faults: Faults = Faults()
        /// How long a new connection may take to send CONNECT before the broker closes it.
        public var connectTimeout: Duration = .seconds(10)
        /// Whether a client that sends nothing for one and a half times its keep-alive interval is
        /// disconnected (with reason code 0x8D, Keep Alive timeout, in MQTT 5).
        public var enforcesKeepAlive: Bool = true
        /// The prefix of client identifiers the broker assigns to clients that connect with an empty one.
        public var assignedClientIdentifierPrefix: String = "mqtt-test-broker-"
        /// The largest number of packet records kept for ``MQTTTestBroker/packetLog``; the oldest are
        /// dropped beyond it.
        public var packetLogLimit: Int = 100_000
        /// The event loop group the broker takes its single event loop from; `nil` uses
        /// `MultiThreadedEventLoopGroup.singleton`. The broker never shuts the group down.
        public var eventLoopGroup: (any EventLoopGroup)? = nil
        /// Where the broker logs connections, protocol errors and injected faults. Defaults to a
        /// logger that discards everything.
        public var logger: Logger = Logger(label: "mqtt.test-broker", factory: { _ in SwiftLogNoOpLogHandler() })

        /// The default configuration: a free loopback port, full capabilities, no faults, no logging.
        public init() {}
    }
}
