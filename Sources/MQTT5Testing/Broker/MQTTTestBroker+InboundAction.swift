public import MQTT5

extension MQTTTestBroker {
    /// What the broker does with an incoming packet, as chosen by ``Faults/inboundInterceptor``.
    public struct InboundAction: Sendable, Hashable {
        enum Kind: Hashable {
            case process
            case ignore
            case replace(MQTTPacket)
            case disconnect(MQTTDisconnectReasonCode)
        }

        let kind: Kind

        /// Handles the packet normally.
        public static let process = InboundAction(kind: .process)

        /// Ignores the packet as if it had never arrived (it is still logged).
        public static let ignore = InboundAction(kind: .ignore)

        /// Handles `packet` instead.
        public static func replace(with packet: MQTTPacket) -> InboundAction {
            InboundAction(kind: .replace(packet))
        }

        /// Sends DISCONNECT with `reasonCode` (MQTT 5) and closes the connection; the will is published.
        public static func disconnect(_ reasonCode: MQTTDisconnectReasonCode) -> InboundAction {
            InboundAction(kind: .disconnect(reasonCode))
        }
    }
}
