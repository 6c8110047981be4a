/// How one publish uses an outbound topic alias (ohmqtt's `AliasPolicy`), overriding
/// ``MQTTTopicAliasing/Outbound`` for that publish. Pass it to
/// ``MQTTClient/publish(_:aliasPolicy:)``.
///
/// The client assigns the aliases (from 1 to the broker's Topic Alias Maximum), also when the
/// configured outbound aliasing is ``MQTTTopicAliasing/Outbound/disabled``; with
/// ``MQTTTopicAliasing/Outbound/manual`` the policy applies to the alias the publish carries.
/// A policy never evicts a binding: that is what ``MQTTTopicAliasing/Outbound/lru(cacheSize:)``
/// does for publishes without a policy. Bindings last one connection; a QoS 1 or 2 publish sent
/// again after a reconnection carries its full topic.
public struct MQTTTopicAliasPolicy: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable { case never, ifAvailable, always }
    let kind: Kind

    /// Send the full topic, without an alias (ohmqtt `NEVER`).
    public static let never = MQTTTopicAliasPolicy(kind: .never)
    /// Use the topic's alias if it has one on this connection, else bind a free alias to it; when
    /// every alias is bound to another topic (or the broker allows none), send the full topic
    /// without an alias (ohmqtt `TRY`).
    public static let ifAvailable = MQTTTopicAliasPolicy(kind: .ifAvailable)
    /// As ``ifAvailable``, but when no alias can be used the publish fails with
    /// ``MQTTError/Code/topicAliasUnavailable`` instead of being sent (ohmqtt `ALWAYS`).
    public static let always = MQTTTopicAliasPolicy(kind: .always)

    /// The name of the policy.
    public var description: String {
        switch kind {
        case .never: "never"
        case .ifAvailable: "ifAvailable"
        case .always: "always"
        }
    }
}
