public import MQTT5
public import NIOCore
extension RequestResponseClient {
    /// One request: what to subscribe to, where responses arrive, and what to publish.
    ///
    /// Two correlation modes:
    /// - **JSON token** (AWS IoT services): the request payload carries ``correlationToken`` and
    ///   responses echo it at each ``RequestResponseClient/ResponsePath/correlationTokenJSONPath``. Requests with the
    ///   same token in flight run one after another; requests without a token (`nil`) run one at
    ///   a time client-wide.
    /// - **MQTT 5 correlation data** (``correlationData(publishTopic:payload:properties:)``): the
    ///   client publishes with its own response topic and fresh correlation data; the responder
    ///   answers on that topic with the same correlation data. One subscription serves every
    ///   such request.
    public struct RequestOptions: Sendable {
        /// Topic filters whose subscriptions together cover every response path (wildcards
        /// allowed), for example `$aws/things/dev-1/shadow/get/+`. Ignored in correlation-data mode.
        public var subscriptionTopicFilters: [String]
        /// The topics responses arrive on, each with where its correlation token is. Ignored in
        /// correlation-data mode.
        public var responsePaths: [RequestResponseClient.ResponsePath]
        /// The topic name the request is published to.
        public var publishTopic: String
        /// The request payload (in JSON-token mode it carries the token and must not be empty).
        public var payload: ByteBuffer
        /// The token responses echo, or `nil` for a token-less request (serialised client-wide).
        public var correlationToken: String?
        /// Extra PUBLISH properties (content type, user properties, message expiry…). In
        /// correlation-data mode the response topic and correlation data are set by the client.
        public var properties: MQTTProperties

        enum Mode: Sendable, Hashable {
            case jsonToken
            case correlationData
        }

        var mode: Mode

        /// Creates a JSON-token request.
        ///
        /// - Parameters:
        ///   - subscriptionTopicFilters: Filters covering every response path.
        ///   - responsePaths: RequestResponseClient.Response topics and their token paths.
        ///   - publishTopic: The topic name to publish the request to.
        ///   - payload: The request payload, carrying the token.
        ///   - correlationToken: The token responses echo, or `nil` for token-less requests.
        ///   - properties: Extra PUBLISH properties.
        public init(
            subscriptionTopicFilters: [String],
            responsePaths: [RequestResponseClient.ResponsePath],
            publishTopic: String,
            payload: ByteBuffer,
            correlationToken: String? = nil,
            properties: MQTTProperties = MQTTProperties()
        ) {
            self.subscriptionTopicFilters = subscriptionTopicFilters
            self.responsePaths = responsePaths
            self.publishTopic = publishTopic
            self.payload = payload
            self.correlationToken = correlationToken
            self.properties = properties
            self.mode = .jsonToken
        }

        /// Creates an MQTT 5 correlation-data request: the client adds its response topic and a
        /// fresh correlation data to the PUBLISH and completes the request with the publish on
        /// that topic carrying the same correlation data. Needs an MQTT 5 connection.
        ///
        /// - Parameters:
        ///   - publishTopic: The topic name to publish the request to.
        ///   - payload: The request payload (may be empty).
        ///   - properties: Extra PUBLISH properties.
        /// - Returns: The request options.
        public static func correlationData(
            publishTopic: String, payload: ByteBuffer, properties: MQTTProperties = MQTTProperties()
        ) -> RequestResponseClient.RequestOptions {
            var options = RequestResponseClient.RequestOptions(
                subscriptionTopicFilters: [], responsePaths: [], publishTopic: publishTopic, payload: payload,
                correlationToken: nil, properties: properties
            )
            options.mode = .correlationData
            return options
        }

        /// Whether this request uses MQTT 5 correlation data rather than a JSON token.
        public var usesCorrelationData: Bool { mode == .correlationData }
    }
}
