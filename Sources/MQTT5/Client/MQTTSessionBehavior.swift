/// Whether the client asks the broker to resume its session when it connects (AWS CRT's
/// `ClientSessionBehaviorType`). Rejoining needs a non-zero
/// ``MQTTClient/Configuration/sessionExpiryInterval`` in MQTT 5.
public struct MQTTSessionBehavior: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable { case clean, rejoinPostSuccess, rejoinAlways }
    let kind: Kind

    /// Always connect with Clean Start: every connection starts a new session (the default).
    public static let clean = MQTTSessionBehavior(kind: .clean)
    /// Clean Start on the first connection, then rejoin the session on every reconnection.
    public static let rejoinPostSuccess = MQTTSessionBehavior(kind: .rejoinPostSuccess)
    /// Always ask to rejoin, even on the first connection (a session left by an earlier process).
    public static let rejoinAlways = MQTTSessionBehavior(kind: .rejoinAlways)

    /// The name of the behaviour.
    public var description: String {
        switch kind {
        case .clean: "clean"
        case .rejoinPostSuccess: "rejoinPostSuccess"
        case .rejoinAlways: "rejoinAlways"
        }
    }
}
