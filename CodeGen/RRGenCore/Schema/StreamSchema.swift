/// A streaming operation as written: a topic filter the client subscribes to and the event
/// shape each publish decodes to.
public struct StreamSchema: Sendable, Hashable {
    /// The stream name (`ShadowDeltaUpdated`); the Swift method is `shadowDeltaUpdatedEvents`.
    public var name: Sourced<String>
    /// The stream documentation.
    public var documentation: String?
    /// The structure whose members fill the topic placeholders (all of them topic-bound), if any.
    public var request: Sourced<String>?
    /// The topic filter, with placeholders (may contain `+` and `#`).
    public var topic: Sourced<String>
    /// The structure each event decodes to.
    public var event: Sourced<String>
    /// Where the stream is in the schema.
    public var path: JSONPath

    /// Creates a stream.
    public init(
        name: Sourced<String>, documentation: String?, request: Sourced<String>?, topic: Sourced<String>,
        event: Sourced<String>, path: JSONPath
    ) {
        self.name = name
        self.documentation = documentation
        self.request = request
        self.topic = topic
        self.event = event
        self.path = path
    }
}
