public import MQTT5

extension MQTTTestBroker {
    /// What happens to a packet the broker is about to send, as chosen by ``Faults/ackFault``
    /// or ``Faults/publishFault``.
    public struct OutboundFault: Sendable, Hashable {
        enum Kind: Hashable {
            case send
            case drop
            case delay(Duration)
            case replace(MQTTPacket)
        }

        let kind: Kind

        /// Sends the packet normally.
        public static let send = OutboundFault(kind: .send)

        /// Never sends the packet.
        public static let drop = OutboundFault(kind: .drop)

        /// Sends the packet after `delay`, if the connection is still open then.
        public static func delay(_ delay: Duration) -> OutboundFault {
            OutboundFault(kind: .delay(delay))
        }

        /// Sends `packet` instead, for example a PUBACK with another reason code.
        public static func replace(with packet: MQTTPacket) -> OutboundFault {
            OutboundFault(kind: .replace(packet))
        }
    }
}
