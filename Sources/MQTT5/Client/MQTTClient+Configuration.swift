public import NIOCore

extension MQTTClient {
    /// Everything an ``MQTTClient`` needs to know: where to connect, what to put in CONNECT, and
    /// how to behave around connections (timeouts, reconnection, sessions, queueing, aliases).
    ///
    /// The CONNECT-related settings are used for every connection attempt.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// Answers the broker's AUTH packets during enhanced authentication (MQTT 5): receives an
        /// AUTH with reason code ``MQTTAuthReasonCode/continueAuthentication`` and returns the
        /// client's AUTH. Throwing fails the connection attempt or the re-authentication.
        public typealias AuthenticationHandler = @Sendable (MQTTAuthPacket) async throws -> MQTTAuthPacket

        /// Prepares a new channel before the client's handlers are added (called on its event loop:
        /// add handlers through `channel.pipeline.syncOperations` and return a succeeded future, or
        /// return a future that completes later). A failed future fails the connection attempt.
        public typealias ChannelInitializer = @Sendable (any Channel) -> EventLoopFuture<Void>

        // MARK: Transport

        /// Where the broker is and how to reach it (the first of ``endpoints``).
        public var endpoint: MQTTEndpoint
        /// More brokers to fail over to when ``endpoint`` cannot be reached (see ``endpoints``).
        public var failoverEndpoints: [MQTTEndpoint] = []
        /// The order in which ``endpoints`` are tried.
        public var endpointOrder: MQTTEndpointOrder = .inOrder
        /// The HTTP proxy to tunnel through (HTTP CONNECT), if any; not used for `unix:` endpoints.
        public var proxy: MQTTHTTPProxy?
        /// TCP socket options (TCP_NODELAY, TCP keep-alive).
        public var socketOptions = MQTTSocketOptions()
        /// Runs on every new channel before the client installs its own handlers (proxy, TLS,
        /// WebSocket, MQTT), e.g. to add a capture or metrics handler or set channel options.
        public var channelInitializer: ChannelInitializer?
        /// TLS settings; used for `mqtts://` and `wss://` (system trust when `nil`), and for
        /// `mqtt://` too when set.
        public var tls: MQTTTLSConfiguration?
        /// WebSocket settings for `ws://` and `wss://`, including the upgrade request transform.
        public var webSocket = MQTTWebSocketConfiguration()
        /// The bound on opening the transport (TCP connect, TLS handshake, WebSocket upgrade).
        public var connectTimeout: Duration = .seconds(10)

        // MARK: CONNECT

        /// The protocol version: MQTT 5 by default, 3.1.1 and 3.1 available.
        public var protocolVersion: MQTTProtocolVersion = .v5_0
        /// The client identifier; empty asks the broker to assign one, which is then reused on reconnection.
        public var clientIdentifier: String
        /// The user name, if any.
        public var username: String?
        /// The password, if any (binary in MQTT; see ``setPassword(_:)`` for text). Never logged.
        public var password: ByteBuffer?
        /// The keep-alive interval (whole seconds, at most 65,535); zero turns keep-alive off.
        public var keepAlive: Duration = .seconds(60)
        /// How long, in seconds, the broker keeps the session after a disconnection (MQTT 5).
        /// Must be non-zero for ``MQTTSessionBehavior/rejoinPostSuccess`` or
        /// ``MQTTSessionBehavior/rejoinAlways`` to resume anything.
        public var sessionExpiryInterval: UInt32 = 0
        /// How many inbound QoS 1 and 2 publishes the client accepts at once (MQTT 5); `nil` is 65,535.
        public var receiveMaximum: UInt16?
        /// The largest packet the client accepts, in bytes; `nil` for the protocol's limit.
        public var maximumPacketSize: UInt32?
        /// Whether to ask the broker for Response Information in CONNACK (MQTT 5).
        public var requestResponseInformation = false
        /// Whether the broker may send reason strings and user properties on failures (MQTT 5).
        public var requestProblemInformation = true
        /// The will message, with its properties (including ``MQTTProperties/willDelayInterval``).
        public var will: MQTTWill?
        /// User properties of the CONNECT packet (MQTT 5).
        public var userProperties: [MQTTUserProperty] = []
        /// The enhanced authentication method (MQTT 5), if any.
        public var authenticationMethod: String?
        /// The initial enhanced authentication data, if any.
        public var authenticationData: ByteBuffer?
        /// Answers the broker's AUTH challenges; required when the broker continues authentication.
        public var authenticationHandler: AuthenticationHandler?

        // MARK: Behaviour

        /// How long to wait for CONNACK after sending CONNECT.
        public var connAckTimeout: Duration = .seconds(20)
        /// How long to wait for PINGRESP before closing the connection.
        public var pingTimeout: Duration = .seconds(30)
        /// How long to wait for the acknowledgement of a sent QoS 1 or 2 publish, subscribe or
        /// unsubscribe before failing it with ``MQTTError/Code/ackTimeout``; `nil` waits as long as the
        /// connection lives. Time spent queued (offline, or behind the broker's Receive Maximum) does
        /// not count. (AWS CRT's default is no timeout; this client bounds every wait on a connection.)
        public var ackTimeout: Duration? = .seconds(60)
        /// The delays between connection attempts.
        public var reconnect = MQTTReconnectPolicy()
        /// Whether to resume sessions.
        public var sessionBehavior: MQTTSessionBehavior = .clean
        /// What happens to operations across disconnections and while disconnected.
        public var offlineQueue = MQTTOfflineQueuePolicy()
        /// Topic alias use in both directions.
        public var topicAliasing = MQTTTopicAliasing()
        /// Extra client-side checks for a specific broker's limits (none by default).
        public var extendedValidation: MQTTExtendedValidation = .none
        /// Where the client's half of the session is kept so that it survives the process (see
        /// ``MQTTSessionStore``); `nil` (the default) keeps it in the client's memory. Needs a
        /// configured ``clientIdentifier`` matching the store's; combine it with a
        /// ``sessionBehavior`` that rejoins and a non-zero ``sessionExpiryInterval``.
        public var sessionStore: (any MQTTSessionStore)?
        /// What happens to recovered publishes that had been sent when the broker answers that
        /// it has no session: sent again as new messages (the default) or failed.
        public var recoveredPublishesWithoutSession = MQTTRecoveredPublishPolicy.resend
        /// Limits that delay outbound operations (see ``MQTTFlowControl``); `nil` (the default)
        /// applies ``MQTTFlowControl/awsIoTCore`` with ``MQTTExtendedValidation/awsIoTCore`` and
        /// no limit otherwise.
        public var flowControl: MQTTFlowControl? = nil
        /// How many QoS 0 publishes may be waiting for the event loop while their callers have
        /// already returned (256 by default; 0 turns it off).
        ///
        /// While connected, ``MQTTClient/publish(_:)`` at QoS 0 checks the publish where it is
        /// called (topic, size and what the broker's CONNACK allows, so a publish that cannot be
        /// sent still throws) and returns as soon as it is handed to the event loop, instead of
        /// waiting for the event loop to take it: a loop of awaited QoS 0 publishes does not wait
        /// for a thread hand-off per message. Beyond this many not yet taken, a publish waits as
        /// before, so memory stays bounded. A failure only the event loop can see (the connection
        /// lost in between) is then logged instead of thrown: at QoS 0 the message is lost either
        /// way. Not used with outbound topic aliases or flow-control limits, which the event loop
        /// applies.
        public var qos0WriteBehindLimit = 256

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - endpoint: The broker.
        ///   - clientIdentifier: The client identifier; empty for a broker-assigned one.
        public init(endpoint: MQTTEndpoint, clientIdentifier: String = "") {
            self.endpoint = endpoint
            self.clientIdentifier = clientIdentifier
        }

        /// Creates a configuration from a URL such as `mqtts://broker.example:8883`.
        ///
        /// - Parameters:
        ///   - url: The broker URL (see ``MQTTEndpoint``).
        ///   - clientIdentifier: The client identifier; empty for a broker-assigned one.
        /// - Throws: ``MQTTError`` (``MQTTError/Code/invalidConfiguration``) for a bad URL.
        public init(url: String, clientIdentifier: String = "") throws(MQTTError) {
            self.init(endpoint: try MQTTEndpoint(url: url), clientIdentifier: clientIdentifier)
        }

        /// Every broker the client may connect to: ``endpoint`` followed by ``failoverEndpoints``.
        ///
        /// When a connection attempt fails, the client tries the next endpoint at once; after a
        /// full rotation without success it waits for the ``reconnect`` backoff before the next
        /// rotation. Setting an empty list leaves ``endpoint`` unchanged and clears the others.
        public var endpoints: [MQTTEndpoint] {
            get { [endpoint] + failoverEndpoints }
            set {
                guard let first = newValue.first else {
                    failoverEndpoints = []
                    return
                }
                endpoint = first
                failoverEndpoints = Array(newValue.dropFirst())
            }
        }

        /// A summary for logs; the password and authentication data are never shown.
        public var description: String {
            var parts = [
                "endpoint: \(endpoint)",
                "protocolVersion: \(protocolVersion)",
                "clientIdentifier: '\(clientIdentifier)'",
                "keepAlive: \(keepAlive)",
                "sessionBehavior: \(sessionBehavior)",
                "sessionExpiryInterval: \(sessionExpiryInterval)",
                "offlineQueue: \(offlineQueue.behavior)",
            ]
            if let username { parts.append("username: '\(username)'") }
            if password != nil { parts.append("password: <redacted>") }
            if let authenticationMethod { parts.append("authenticationMethod: \(authenticationMethod)") }
            if !failoverEndpoints.isEmpty { parts.append("failoverEndpoints: \(failoverEndpoints)") }
            if let proxy { parts.append("proxy: \(proxy)") }
            if tls != nil { parts.append("tls: configured") }
            if let sessionStore { parts.append("sessionStore: \(type(of: sessionStore))") }
            return "MQTTClient.Configuration(\(parts.joined(separator: ", ")))"
        }

        /// Sets ``password`` to the UTF-8 bytes of `text` (or clears it).
        ///
        /// - Parameter text: The password.
        public mutating func setPassword(_ text: String?) {
            password = text.map { ByteBuffer(string: $0) }
        }
    }
}
