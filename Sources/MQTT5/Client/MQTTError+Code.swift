extension MQTTError {
    /// The kind of an ``MQTTError``.
    ///
    /// A struct wrapping a private enumeration so that codes can be added without breaking
    /// clients; compare with the static members (`error.code == .connectionRefused`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case invalidArgument, invalidConfiguration, transportFailure, connectionRefused, connAckTimeout
            case connectionClosed, serverDisconnected, pingTimeout, protocolViolation, ackTimeout
            case packetTooLarge, notSupportedByServer, offline, queueFull, sessionLost, clientStopped
            case cancelled, authenticationFailed, subscribeFailed
            case proxyRefused, proxyNotAuthorized, certificateRejected
            case timedOut, topicAliasUnavailable
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// An argument was invalid (a bad topic name or filter, a property the packet may not carry...).
        public static let invalidArgument = Code(.invalidArgument)
        /// The configuration cannot work (an unparsable endpoint, unreadable TLS files, contradictory options).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The connection could not be established (DNS, TCP, TLS handshake, WebSocket upgrade); see ``MQTTError/cause``.
        public static let transportFailure = Code(.transportFailure)
        /// The broker refused the connection with an error CONNACK; see ``MQTTError/reasonCode``.
        public static let connectionRefused = Code(.connectionRefused)
        /// No CONNACK arrived within the configured CONNACK timeout.
        public static let connAckTimeout = Code(.connAckTimeout)
        /// The connection closed without a DISCONNECT from the broker.
        public static let connectionClosed = Code(.connectionClosed)
        /// The broker sent a DISCONNECT; see ``MQTTError/reasonCode`` and ``MQTTError/serverReference``.
        public static let serverDisconnected = Code(.serverDisconnected)
        /// No PINGRESP arrived within the ping timeout; the connection was closed.
        public static let pingTimeout = Code(.pingTimeout)
        /// The broker broke the protocol (malformed bytes, an unknown topic alias...); the client sent a DISCONNECT and closed.
        public static let protocolViolation = Code(.protocolViolation)
        /// No acknowledgement arrived within the configured acknowledgement timeout.
        public static let ackTimeout = Code(.ackTimeout)
        /// The packet is larger than the broker's Maximum Packet Size; it was not sent.
        public static let packetTooLarge = Code(.packetTooLarge)
        /// The broker does not support what was asked (QoS above its maximum, retain, wildcard, shared
        /// subscriptions, subscription identifiers, enhanced authentication).
        public static let notSupportedByServer = Code(.notSupportedByServer)
        /// The client is not connected and its offline queue policy rejects the operation.
        public static let offline = Code(.offline)
        /// The offline queue is full and this operation was dropped.
        public static let queueFull = Code(.queueFull)
        /// The broker did not resume the session and the operation could not survive that.
        public static let sessionLost = Code(.sessionLost)
        /// The client was stopped (or stopped itself after a connection failure that cannot heal).
        public static let clientStopped = Code(.clientStopped)
        /// The calling task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// Enhanced authentication failed (the authentication handler threw or none was configured).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The broker refused a SUBSCRIBE that a scoped API needs (the SUBACK reason code is in
        /// ``MQTTError/reasonCode``).
        public static let subscribeFailed = Code(.subscribeFailed)
        /// A bounded wait ran out of time (``MQTTClient/waitForDisconnection(timeout:)``,
        /// ``MQTTClient/waitForStop(timeout:)``, ``MQTTClient/stop(disconnect:timeout:)``).
        public static let timedOut = Code(.timedOut)
        /// A publish with ``MQTTTopicAliasPolicy/always`` could not use a topic alias (the broker
        /// allows none, or every alias is bound to another topic); it was not sent.
        public static let topicAliasUnavailable = Code(.topicAliasUnavailable)

        /// The HTTP proxy refused the tunnel with a status other than 401, 403 and 407 (502, 503, 504...),
        /// or broke the CONNECT exchange; the client retries.
        public static let proxyRefused = Code(.proxyRefused)
        /// The HTTP proxy refused the tunnel with 407 (Proxy Authentication Required), 401 or 403
        /// (Forbidden): its credentials or rules need changing, so the client stops.
        public static let proxyNotAuthorized = Code(.proxyNotAuthorized)
        /// ``MQTTTLSConfiguration/certificateVerifier`` rejected the broker's certificate (a pin did
        /// not match); the client stops rather than retry against a certificate it distrusts.
        public static let certificateRejected = Code(.certificateRejected)

        /// The name of the code, e.g. `connectionRefused`.
        public var description: String {
            switch wrapped {
            case .invalidArgument: "invalidArgument"
            case .invalidConfiguration: "invalidConfiguration"
            case .transportFailure: "transportFailure"
            case .connectionRefused: "connectionRefused"
            case .connAckTimeout: "connAckTimeout"
            case .connectionClosed: "connectionClosed"
            case .serverDisconnected: "serverDisconnected"
            case .pingTimeout: "pingTimeout"
            case .protocolViolation: "protocolViolation"
            case .ackTimeout: "ackTimeout"
            case .packetTooLarge: "packetTooLarge"
            case .notSupportedByServer: "notSupportedByServer"
            case .offline: "offline"
            case .queueFull: "queueFull"
            case .sessionLost: "sessionLost"
            case .clientStopped: "clientStopped"
            case .cancelled: "cancelled"
            case .authenticationFailed: "authenticationFailed"
            case .subscribeFailed: "subscribeFailed"
            case .proxyRefused: "proxyRefused"
            case .proxyNotAuthorized: "proxyNotAuthorized"
            case .certificateRejected: "certificateRejected"
            case .timedOut: "timedOut"
            case .topicAliasUnavailable: "topicAliasUnavailable"
            }
        }
    }
}
