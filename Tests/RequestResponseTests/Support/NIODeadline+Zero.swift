import NIOCore

extension NIODeadline {
    /// The origin of the clock the state-machine tests pass in as `now`.
    static let zero = NIODeadline.uptimeNanoseconds(0)
}
