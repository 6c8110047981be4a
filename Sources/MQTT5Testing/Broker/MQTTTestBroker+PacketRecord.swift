public import MQTT5

extension MQTTTestBroker {
    /// A packet the broker received from or sent to a client.
    public struct PacketRecord: Sendable, Hashable {
        /// Whether the broker received or sent a packet.
        public enum Direction: Sendable, Hashable {
            /// The client sent the packet to the broker.
            case received
            /// The broker sent the packet to the client.
            case sent
        }

        /// The client identifier (the assigned one for clients that connected with an empty
        /// identifier; empty for bytes received before a CONNECT could be decoded).
        public var clientID: String
        /// The direction of the packet.
        public var direction: Direction
        /// The packet as decoded or as handed to the encoder. Sent PUBLISH packets appear as
        /// written, with an empty topic when a topic alias replaced it.
        public var packet: MQTTPacket

        /// Creates a record.
        public init(clientID: String, direction: Direction, packet: MQTTPacket) {
            self.clientID = clientID
            self.direction = direction
            self.packet = packet
        }
    }
}
