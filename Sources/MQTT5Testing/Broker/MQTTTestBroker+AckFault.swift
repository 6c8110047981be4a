import MQTT5

extension MQTTTestBroker {
    /// What happens to an acknowledgement, as chosen by ``Faults/ackFault``.
    public struct AckFault: Sendable, Hashable {
        enum Kind: Hashable {
            case send
            case drop
            case delay(Duration)
            case replace(MQTTPacket)
        }

        let kind: Kind

        /// Sends the acknowledgement normally.
        public static let send = AckFault(kind: .send)

        /// Never sends the acknowledgement.
        public static let drop = AckFault(kind: .drop)

        /// Sends the acknowledgement after `delay`, if the connection is still open then.
        public static func delay(_ delay: Duration) -> AckFault {
            AckFault(kind: .delay(delay))
        }

        /// Sends `packet` instead, for example a PUBACK with another reason code.
        public static func replace(with packet: MQTTPacket) -> AckFault {
            AckFault(kind: .replace(packet))
        }
    }
}
