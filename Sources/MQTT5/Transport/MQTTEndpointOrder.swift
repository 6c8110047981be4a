/// The order in which a client with several endpoints
/// (``MQTTClient/Configuration/failoverEndpoints``) tries them.
public struct MQTTEndpointOrder: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable { case inOrder, shuffled }
    let kind: Kind

    /// As listed: the first endpoint is preferred, each rotation starts with it again.
    public static let inOrder = MQTTEndpointOrder(kind: .inOrder)
    /// A new random order for every rotation, spreading many clients over the brokers.
    public static let shuffled = MQTTEndpointOrder(kind: .shuffled)

    /// `inOrder` or `shuffled`.
    public var description: String {
        switch kind {
        case .inOrder: "inOrder"
        case .shuffled: "shuffled"
        }
    }
}
