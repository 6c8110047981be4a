import NIOCore

// The request-response layer keeps one time type: `NIODeadline`, the event loop's own clock.
// The pure state machines take it as input (`eventLoop.now` in the shell, any value in tests);
// public options are `Swift.Duration`, added here without a detour through nanosecond integers.

extension NIODeadline {
    /// `deadline + duration`, saturating at `NIODeadline.distantFuture`.
    static func + (lhs: NIODeadline, rhs: Duration) -> NIODeadline {
        lhs + TimeAmount(rhs)
    }
}
