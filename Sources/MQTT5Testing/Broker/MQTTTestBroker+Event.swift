import MQTT5

extension MQTTTestBroker {
    /// Something that happened in the broker, as delivered by ``MQTTTestBroker/events()``.
    public enum Event: Sendable, Hashable {
        /// A client's CONNECT was accepted (CONNACK with success sent).
        case connected(clientID: String)
        /// An accepted client's connection closed, for whatever reason.
        case disconnected(clientID: String)
        /// A packet was received or sent.
        case packet(PacketRecord)
    }
}
