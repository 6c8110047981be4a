/// Whether retained messages are sent when a subscription is made (MQTT 5 section 3.8.3.1).
public enum MQTTRetainHandling: UInt8, Hashable, Sendable, CaseIterable {
    /// Send retained messages at the time of the subscribe.
    case sendOnSubscribe = 0
    /// Send retained messages only if the subscription does not currently exist.
    case sendOnSubscribeIfNew = 1
    /// Do not send retained messages at the time of the subscribe.
    case doNotSend = 2
}
