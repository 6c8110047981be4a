public import MQTT5

extension MQTTTestBroker {
    /// How the broker answers a CONNECT, as chosen by ``Faults/connectFault``.
    public struct ConnectFault: Sendable, Hashable {
        enum Kind: Hashable {
            case neverAnswer
            case refuse(MQTTConnectReasonCode, reasonString: String?, serverReference: String?)
            case close
            case delay(Duration)
        }

        let kind: Kind

        /// Sends nothing back; the connection stays open until the client closes it.
        public static let neverAnswer = ConnectFault(kind: .neverAnswer)

        /// Answers normally after `delay`, if the connection is still open then (for testing a
        /// client's connect timeout with a CONNACK that comes too late). Packets the client sends
        /// before the CONNACK are logged and ignored.
        public static func delay(_ delay: Duration) -> ConnectFault {
            ConnectFault(kind: .delay(delay))
        }

        /// Closes the connection without answering.
        public static let closeConnection = ConnectFault(kind: .close)

        /// Answers with a CONNACK carrying the failure `reasonCode`, then closes the connection.
        ///
        /// - Parameters:
        ///   - reasonCode: The CONNACK reason code (mapped to a return code for MQTT 3.1.1 clients).
        ///   - reasonString: A Reason String property (MQTT 5).
        ///   - serverReference: A Server Reference property (MQTT 5), for example with
        ///     `MQTTConnectReasonCode.useAnotherServer`.
        public static func refuse(
            _ reasonCode: MQTTConnectReasonCode,
            reasonString: String? = nil,
            serverReference: String? = nil
        ) -> ConnectFault {
            ConnectFault(kind: .refuse(reasonCode, reasonString: reasonString, serverReference: serverReference))
        }
    }
}
