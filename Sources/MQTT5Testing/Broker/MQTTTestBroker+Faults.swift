public import MQTT5

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
        public var subscribeResult:
            (@Sendable (_ clientID: String, _ subscription: MQTTSubscription) -> MQTTSubAckReasonCode?)? = nil
        /// Overrides the UNSUBACK reason code of one filter; return `nil` for normal handling.
        ///
        /// An error code leaves the subscription in place.
        public var unsubscribeResult:
            (@Sendable (_ clientID: String, _ topicFilter: String) -> MQTTUnsubAckReasonCode?)? = nil
        /// Overrides the result of an incoming QoS 1 or QoS 2 PUBLISH; return `nil` for normal handling.
        ///
        /// An error code is sent in the PUBACK (or, for QoS 2, the PUBREC with the same code) and
        /// the message is not routed. A QoS 0 message for which an error code is returned is dropped.
        public var publishResult:
            (@Sendable (_ clientID: String, _ publish: MQTTPublishPacket) -> MQTTPubAckReasonCode?)? = nil
        /// Decides what happens to each acknowledgement the broker is about to send: PUBACK, PUBREC,
        /// PUBREL, PUBCOMP, SUBACK, UNSUBACK and PINGRESP.
        ///
        /// The broker's own state moves on as if the acknowledgement had been sent, so a dropped
        /// PUBACK makes the client retransmit and a dropped PINGRESP makes its keep-alive expire.
        public var ackFault: (@Sendable (_ clientID: String, _ ack: MQTTPacket) -> OutboundFault)? = nil
        /// Decides what happens to each PUBLISH the broker is about to send to a client (as it
        /// would be written, so with an empty topic when a topic alias replaces it).
        ///
        /// The broker's state moves on as if it had been sent: a dropped QoS 1 or 2 message stays
        /// unacknowledged and is resent (with DUP) when the session resumes on a new connection.
        public var publishFault: (@Sendable (_ clientID: String, _ publish: MQTTPublishPacket) -> OutboundFault)? = nil
        /// Sees every packet a connected client sends before the broker handles it.
        public var inboundInterceptor: (@Sendable (_ clientID: String, _ packet: MQTTPacket) -> InboundAction)? = nil
        /// Whether outbound PUBLISH packets use topic aliases when the client allows them (its
        /// CONNECT carries a Topic Alias Maximum): the first publish on a topic carries the topic and
        /// a new alias, later ones an empty topic and the alias only.
        public var usesTopicAliasesOnOutboundPublishes: Bool = false

        /// No faults.
        public init() {}
    }
}
