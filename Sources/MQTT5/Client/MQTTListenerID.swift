/// Identifies a listener registered with an ``MQTTClient``, for removing it.
public struct MQTTListenerID: Hashable, Sendable {
    /// The client's number for the listener.
    public var rawValue: UInt64

    /// Wraps a number.
    ///
    /// - Parameter rawValue: The client's number for the listener.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }
}
