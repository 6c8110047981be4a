/// Client-side flow control that respects a broker's throughput limits: outbound operations
/// over a limit are delayed (kept in order in the client's queue and sent when the budget
/// allows), never failed (AWS CRT's `ExtendedValidationAndFlowControlOptions`, flow-control part).
///
/// Rates are token buckets with one second of burst: at 100 publishes per second, 100
/// publishes leave at once and the next ones one every 10 ms. A publish larger than
/// ``bytesPerSecond`` waits for a full byte budget. QoS 1 and 2 publishes sent again after a
/// reconnection are not delayed (the protocol requires them first).
///
/// The subscription limit counts the distinct topic filters subscribed on the connection
/// (acknowledged or waiting for their SUBACK; a session the broker did not resume starts from
/// zero). A SUBSCRIBE that would exceed it waits until UNSUBSCRIBEs free room, while the
/// operations queued after it go ahead; cancel the subscribing task to give up. A single
/// SUBSCRIBE with more new filters than the limit fails with ``MQTTError/Code/invalidArgument``.
public struct MQTTFlowControl: Hashable, Sendable {
    /// The most PUBLISH packets per second; `nil` (or not positive) for no limit.
    public var publishesPerSecond: Double?
    /// The most bytes per second of PUBLISH, SUBSCRIBE and UNSUBSCRIBE packets (as encoded);
    /// `nil` (or not positive) for no limit.
    public var bytesPerSecond: Int?
    /// The most topic filters subscribed at once on one connection; `nil` for no limit.
    public var maximumSubscriptions: Int?

    /// Creates flow control; every limit is off by default.
    ///
    /// - Parameters:
    ///   - publishesPerSecond: The most publishes per second.
    ///   - bytesPerSecond: The most outbound operation bytes per second.
    ///   - maximumSubscriptions: The most subscribed topic filters per connection.
    public init(publishesPerSecond: Double? = nil, bytesPerSecond: Int? = nil, maximumSubscriptions: Int? = nil) {
        self.publishesPerSecond = publishesPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.maximumSubscriptions = maximumSubscriptions
    }

    /// No flow control.
    public static let none = MQTTFlowControl()

    /// AWS IoT Core's default per-connection limits: 100 publishes per second, 512 KiB per
    /// second, 50 subscriptions. The default with ``MQTTExtendedValidation/awsIoTCore``.
    public static let awsIoTCore = MQTTFlowControl(
        publishesPerSecond: 100, bytesPerSecond: 512 * 1024, maximumSubscriptions: 50)
}
