/// Everything the runtime needs to open one stream: generated code declares one per stream
/// (`IoTShadow.Streams.shadowDeltaUpdated`).
public struct ServiceStreamDescriptor<Input: Sendable, Event: Decodable & Sendable>: Sendable {
    /// The stream name (`ShadowDeltaUpdated`), used in errors.
    public let name: String
    /// The topic filter, with placeholders.
    public let topicFilter: ServiceTopicTemplate
    /// The placeholder values of a subscription request.
    public let topicParameters: @Sendable (Input) -> [String: String]

    /// Creates a descriptor.
    public init(name: String, topicFilter: String, topicParameters: @escaping @Sendable (Input) -> [String: String]) {
        self.name = name
        self.topicFilter = ServiceTopicTemplate(topicFilter)
        self.topicParameters = topicParameters
    }
}
