/// Everything the runtime needs to run one request-response operation: generated code declares
/// one per operation (`IoTShadow.Operations.getShadow`), and both the client
/// (``RequestResponse/RequestResponseClient/perform(_:_:timeout:)``) and the service
/// (``RequestResponse/RequestResponder/serve(_:handler:)``) go through it, so the two sides
/// cannot disagree about a topic.
public struct ServiceOperationDescriptor<
    Input: Codable & Sendable, Output: Codable & Sendable, Modeled: Codable & Error
>: Sendable {
    /// The operation name (`GetShadow`), used in errors and logs.
    public let name: String
    /// The request topic.
    public let publishTopic: ServiceTopicTemplate
    /// The filters the client subscribes to before publishing (empty in correlation-data mode).
    public let subscriptionTopicFilters: [ServiceTopicTemplate]
    /// The response paths, in schema order.
    public let responses: [ServiceResponseRoute]
    /// How responses are matched to requests.
    public let correlation: ServiceCorrelation<Input, Output, Modeled>
    /// The placeholder values of a request (its topic-bound members as strings).
    public let topicParameters: @Sendable (Input) -> [String: String]
    /// The topics rendered last, for the client (see ``RenderedTopicsCache``).
    let renderedTopics = RenderedTopicsCache()

    /// Creates a descriptor.
    ///
    /// - Parameters:
    ///   - name: The operation name.
    ///   - publishTopic: The request topic, with `{placeholder}` levels.
    ///   - subscriptionTopicFilters: The filters to subscribe to, with placeholders.
    ///   - responses: The response paths.
    ///   - correlation: How responses are matched to requests.
    ///   - topicParameters: The placeholder values of a request.
    public init(
        name: String, publishTopic: String, subscriptionTopicFilters: [String], responses: [ServiceResponseRoute],
        correlation: ServiceCorrelation<Input, Output, Modeled>,
        topicParameters: @escaping @Sendable (Input) -> [String: String]
    ) {
        self.name = name
        self.publishTopic = ServiceTopicTemplate(publishTopic)
        self.subscriptionTopicFilters = subscriptionTopicFilters.map(ServiceTopicTemplate.init)
        self.responses = responses
        self.correlation = correlation
        self.topicParameters = topicParameters
    }
}
