/// A request-response operation as written.
public struct OperationSchema: Sendable, Hashable {
    /// The operation name (`GetShadow`); the Swift method is its lower-camel form.
    public var name: Sourced<String>
    /// The operation documentation.
    public var documentation: String?
    /// The request structure.
    public var request: Sourced<String>
    /// The topic the request is published to, with `{member}` placeholders.
    public var publishTopic: Sourced<String>
    /// Topic filters to subscribe to before publishing, with placeholders.
    public var subscriptions: [Sourced<String>]
    /// Where responses arrive and what they decode to.
    public var responses: [ResponseSchema]
    /// How responses are matched to requests.
    public var correlation: Sourced<CorrelationSchema>
    /// The default response timeout in seconds, when the schema sets one.
    public var defaultTimeout: Sourced<Double>?
    /// Where the operation is in the schema.
    public var path: JSONPath

    /// Creates an operation.
    public init(
        name: Sourced<String>, documentation: String?, request: Sourced<String>, publishTopic: Sourced<String>,
        subscriptions: [Sourced<String>], responses: [ResponseSchema], correlation: Sourced<CorrelationSchema>,
        path: JSONPath, defaultTimeout: Sourced<Double>? = nil
    ) {
        self.defaultTimeout = defaultTimeout
        self.name = name
        self.documentation = documentation
        self.request = request
        self.publishTopic = publishTopic
        self.subscriptions = subscriptions
        self.responses = responses
        self.correlation = correlation
        self.path = path
    }
}

/// One response path of an operation.
public struct ResponseSchema: Sendable, Hashable {
    /// The response topic with placeholders; `nil` in correlation-data mode, where the
    /// request-response layer chooses the response topic.
    public var topic: Sourced<String>?
    /// The structure the payload decodes to.
    public var shape: Sourced<String>
    /// Whether this response is the service's modeled error (a rejection).
    public var isError: Bool
    /// Where the response is in the schema.
    public var path: JSONPath

    /// Creates a response path.
    public init(topic: Sourced<String>?, shape: Sourced<String>, isError: Bool, path: JSONPath) {
        self.topic = topic
        self.shape = shape
        self.isError = isError
        self.path = path
    }
}

/// How an operation's responses are matched to its requests.
public enum CorrelationSchema: Sendable, Hashable {
    /// A fresh token is put in a request member and echoed in the responses' member of the same name.
    case token(member: String)
    /// MQTT 5 response topic and correlation data; the request-response layer picks the topic.
    case correlationData
    /// No correlation: requests of the operation run one at a time.
    case none
}
