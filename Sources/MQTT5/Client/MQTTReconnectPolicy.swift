/// How the client waits between connection attempts: exponential backoff with jitter
/// (AWS CRT's `retry_jitter_mode`, `min_reconnect_delay_ms`, `max_reconnect_delay_ms` and
/// `min_connected_time_to_reset_reconnect_delay_ms`).
///
/// The n-th consecutive failure waits `minimumDelay * 2^n`, capped at ``maximumDelay``, modified
/// by ``jitter``. A connection that stays up for ``resetAfter`` resets the sequence.
public struct MQTTReconnectPolicy: Hashable, Sendable {
    /// How the delay is randomised, so that many clients do not reconnect in lockstep.
    public struct Jitter: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case none, full, decorrelated }
        let kind: Kind

        /// No randomisation: exactly the exponential delay.
        public static let none = Jitter(kind: .none)
        /// Uniformly random between zero and the exponential delay (the default, as in AWS CRT).
        public static let full = Jitter(kind: .full)
        /// Uniformly random between the minimum delay and three times the previous delay, capped.
        public static let decorrelated = Jitter(kind: .decorrelated)

        /// The name of the mode.
        public var description: String {
            switch kind {
            case .none: "none"
            case .full: "full"
            case .decorrelated: "decorrelated"
            }
        }
    }

    /// The delay before the first retry, and the lower bound of the backoff.
    public var minimumDelay: Duration
    /// The upper bound of the backoff.
    public var maximumDelay: Duration
    /// How the delay is randomised.
    public var jitter: Jitter
    /// How long a connection must stay up for the backoff to start again from ``minimumDelay``.
    public var resetAfter: Duration
    /// Whether the client reconnects at all. When `false` (``disabled``), the first failed
    /// connection attempt or the first disconnection stops the client: it emits
    /// ``MQTTClientEvent/stopped(_:)`` with the error, and ``MQTTClient/waitForConnection(timeout:)``
    /// fails with ``MQTTError/Code/clientStopped`` (the error as its cause). ``MQTTClient/start()``
    /// connects again.
    public var isEnabled = true

    /// No reconnection: one connection per ``MQTTClient/start()`` (ohmqtt's `reconnect_delay=0`,
    /// a Python SDK client without auto-reconnect).
    public static var disabled: MQTTReconnectPolicy {
        var policy = MQTTReconnectPolicy()
        policy.isEnabled = false
        return policy
    }

    /// Creates a policy. The defaults are AWS CRT's: 1 s, 120 s, full jitter, reset after 30 s.
    ///
    /// - Parameters:
    ///   - minimumDelay: The first delay and lower bound.
    ///   - maximumDelay: The upper bound.
    ///   - jitter: The randomisation.
    ///   - resetAfter: The connected time that resets the backoff.
    public init(
        minimumDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(120),
        jitter: Jitter = .full,
        resetAfter: Duration = .seconds(30)
    ) {
        self.minimumDelay = minimumDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
        self.resetAfter = resetAfter
    }
}
