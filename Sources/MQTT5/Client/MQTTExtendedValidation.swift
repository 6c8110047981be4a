/// Client-side checks beyond the MQTT specification that respect a specific broker's limits
/// (AWS CRT's `ExtendedValidationAndFlowControlOptions`, validation part).
public struct MQTTExtendedValidation: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable { case none, awsIoTCore }
    let kind: Kind

    /// Only what the MQTT specification requires (the default).
    public static let none = MQTTExtendedValidation(kind: .none)
    /// AWS IoT Core's default limits: at most 8 subscriptions per SUBSCRIBE, topics and filters of
    /// at most 256 bytes and 7 slashes (not counting a `$aws/rules/<rule>/` prefix), client
    /// identifiers of at most 128 bytes. Violations fail with ``MQTTError/Code/invalidArgument``
    /// (or ``MQTTError/Code/invalidConfiguration`` for the client identifier). Unless
    /// ``MQTTClient/Configuration/flowControl`` says otherwise, it also brings AWS IoT Core's
    /// throughput limits as flow control (``MQTTFlowControl/awsIoTCore``), as AWS CRT does.
    public static let awsIoTCore = MQTTExtendedValidation(kind: .awsIoTCore)

    /// The name of the validation.
    public var description: String {
        switch kind {
        case .none: "none"
        case .awsIoTCore: "awsIoTCore"
        }
    }

    /// Checks a topic name or filter against the limits.
    func check(topic: String) -> String? {
        guard kind == .awsIoTCore else { return nil }
        if topic.utf8.count > 256 { return "'\(topic)' is longer than AWS IoT Core's 256 bytes" }
        var levels = Substring(topic)
        if levels.hasPrefix("$aws/rules/") {
            levels = levels.dropFirst("$aws/rules/".count)
            if let slash = levels.firstIndex(of: "/") { levels = levels[levels.index(after: slash)...] }
        }
        if levels.utf8.count(where: { $0 == UInt8(ascii: "/") }) > 7 {
            return "'\(topic)' has more than AWS IoT Core's 7 slashes"
        }
        return nil
    }

    /// Checks the number of subscriptions of one SUBSCRIBE.
    func check(subscriptionCount: Int) -> String? {
        guard kind == .awsIoTCore, subscriptionCount > 8 else { return nil }
        return "\(subscriptionCount) subscriptions in one SUBSCRIBE; AWS IoT Core accepts at most 8"
    }

    /// Checks a client identifier.
    func check(clientIdentifier: String) -> String? {
        guard kind == .awsIoTCore, clientIdentifier.utf8.count > 128 else { return nil }
        return "the client identifier is longer than AWS IoT Core's 128 bytes"
    }
}
