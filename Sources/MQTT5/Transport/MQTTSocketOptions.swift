/// TCP socket options of the connection to the broker (or to the proxy).
///
/// ```swift
/// configuration.socketOptions.keepAlive = .init(idle: .seconds(30), interval: .seconds(10), count: 3)
/// configuration.socketOptions.noDelay = false   // let the kernel coalesce small writes
/// ```
public struct MQTTSocketOptions: Hashable, Sendable {
    /// TCP keep-alive probes (`SO_KEEPALIVE` with `TCP_KEEPIDLE`, `TCP_KEEPINTVL` and `TCP_KEEPCNT`).
    ///
    /// They find a dead peer below MQTT's own keep-alive, e.g. behind a NAT that drops idle flows.
    public struct KeepAlive: Hashable, Sendable {
        /// How long the connection is idle before the first probe (whole seconds, at least 1).
        public var idle: Duration
        /// The time between unanswered probes (whole seconds, at least 1).
        public var interval: Duration
        /// How many unanswered probes close the connection (at least 1).
        public var count: Int

        /// Creates keep-alive settings.
        ///
        /// - Parameters:
        ///   - idle: Idle time before the first probe.
        ///   - interval: Time between probes.
        ///   - count: Unanswered probes before the connection is dropped.
        public init(idle: Duration = .seconds(60), interval: Duration = .seconds(10), count: Int = 6) {
            self.idle = idle
            self.interval = interval
            self.count = count
        }
    }

    /// Whether to send small packets at once (`TCP_NODELAY`, on by default: MQTT packets are small
    /// and latency matters more than coalescing).
    public var noDelay: Bool
    /// TCP keep-alive probes; `nil` (the default) leaves `SO_KEEPALIVE` off.
    public var keepAlive: KeepAlive?

    /// Creates socket options: `TCP_NODELAY` on, no TCP keep-alive.
    ///
    /// - Parameters:
    ///   - noDelay: Whether to set `TCP_NODELAY`.
    ///   - keepAlive: TCP keep-alive probes, if any.
    public init(noDelay: Bool = true, keepAlive: KeepAlive? = nil) {
        self.noDelay = noDelay
        self.keepAlive = keepAlive
    }
}
