import MQTT5

extension MQTTTestBroker {
    /// Hooks that make the broker misbehave on purpose, so tests can drive a client through
    /// failures a real broker produces rarely.
    ///
    /// Read and change them at any time through ``MQTTTestBroker/faults`` or atomically with
    /// ``MQTTTestBroker/updateFaults(_:)``; each hook is consulted when the packet it concerns is
    /// handled, so a change applies to the next packet. Closures run on the broker's event loop:
    /// keep them short and never block in them.
    ///
    /// ```swift
    /// broker.faults.subscribeResult = { _, subscription in
    ///     subscription.topicFilter.hasPrefix("forbidden/") ? .notAuthorized : nil
    /// }
    /// broker.faults.ackFault = { _, ack in ack.packetType == .pubAck ? .drop : .send }
    /// ```
    public struct Faults: Sendable {
        /// Decides how CONNECT is answered; return `nil` to accept normally.
        public var connectFault: (@Sendable (_ connect: MQTTConnectPacket) -> ConnectFault?)? = nil
        /// Overrides the SUBACK reason code of one subscription; return `nil` for normal handling.
        ///
        /// An error code rejects the subscription; a granted code accepts it with that QoS.
        public var subscribeResult: (@Sendable (_ clientID: String, _ subscription: MQTTSubscription) -> MQTTSubAckReasonCode?)? = nil
        /// Overrides the UNSUBACK reason code of one filter; return `nil` for normal handling.
        ///
        /// An error code leaves the subscription in place.
        public var unsubscribeResult: (@Sendable (_ clientID: String, _ topicFilter: String) -> MQTTUnsubAckReasonCode?)? = nil
        /// Overrides the result of an incoming QoS 1 or QoS 2 PUBLISH; return `nil` for normal handling.
        ///
        /// An error code is sent in the PUBACK (or, for QoS 2, the PUBREC with the same code) and
        /// the message is not routed. A QoS 0 message for which an error code is returned is dropped.
        public var publishResult: (@Sendable (_ clientID: String, _ publish: MQTTPublishPacket) -> MQTTPubAckReasonCode?)? = nil
        /// Decides what happens to each acknowledgement the broker is about to send: PUBACK, PUBREC,
        /// PUBREL, PUBCOMP, SUBACK, UNSUBACK and PINGRESP.
        ///
        /// The broker's own state moves on as if the acknowledgement had been sent, so a dropped
        /// PUBACK makes the client retransmit and a dropped PINGRESP makes its keep-alive expire.
        public var ackFault: (@Sendable (_ clientID: String, _ ack: MQTTPacket) -> AckFault)? = nil
        /// Sees every packet a connected client sends before the broker handles it.
        public var inboundInterceptor: (@Sendable (_ clientID: String, _ packet: MQTTPacket) -> InboundAction)? = nil
        /// Whether outbound PUBLISH packets use topic aliases when the client allows them (its
        /// CONNECT carries a Topic Alias Maximum): the first publish on a topic carries the topic and
        /// a new alias, later ones an empty topic and the alias only.
        public var usesTopicAliasesOnOutboundPublishes: Bool = false

        /// No faults.
        public init() {}
    }

    /// How the broker answers a CONNECT, as chosen by ``Faults/connectFault``.
    public struct ConnectFault: Sendable, Hashable {
        enum Kind: Hashable {
            case neverAnswer
            case refuse(MQTTConnectReasonCode, reasonString: String?, serverReference: String?)
            case close
        }

        let kind: Kind

        /// Sends nothing back; the connection stays open until the client closes it.
        public static let neverAnswer = ConnectFault(kind: .neverAnswer)

        /// Closes the connection without answering.
        public static let closeConnection = ConnectFault(kind: .close)

        /// Answers with a CONNACK carrying the failure `reasonCode`, then closes the connection.
        ///
        /// - Parameters:
        ///   - reasonCode: The CONNACK reason code (mapped to a return code for MQTT 3.1.1 clients).
        ///   - reasonString: A Reason String property (MQTT 5).
        ///   - serverReference: A Server Reference property (MQTT 5), for example with
        ///     ``MQTT5/MQTTConnectReasonCode/useAnotherServer``.
        public static func refuse(
            _ reasonCode: MQTTConnectReasonCode,
            reasonString: String? = nil,
            serverReference: String? = nil
        ) -> ConnectFault {
            ConnectFault(kind: .refuse(reasonCode, reasonString: reasonString, serverReference: serverReference))
        }
    }

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
