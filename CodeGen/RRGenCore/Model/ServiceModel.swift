/// A validated service with every reference resolved and every Swift name chosen: what the
/// renderers consume.
public struct ServiceModel: Sendable, Hashable {
    /// The service name and namespace (`IoTShadow`).
    public var name: String
    /// The service documentation.
    public var documentation: String?
    /// Shapes sorted by name.
    public var shapes: [ShapeModel]
    /// Operations in schema order.
    public var operations: [OperationModel]
    /// Streams in schema order.
    public var streams: [StreamModel]

    /// Creates a model.
    public init(
        name: String, documentation: String?, shapes: [ShapeModel], operations: [OperationModel], streams: [StreamModel]
    ) {
        self.name = name
        self.documentation = documentation
        self.shapes = shapes
        self.operations = operations
        self.streams = streams
    }

    /// The structure named `name`, if any.
    public func structure(_ name: String) -> StructureModel? {
        for case .structure(let structure) in shapes where structure.name == name { return structure }
        return nil
    }
}

/// A resolved shape.
public enum ShapeModel: Sendable, Hashable {
    /// A structure.
    case structure(StructureModel)
    /// An open enumeration.
    case enumeration(EnumModel)

    /// The shape's name.
    public var name: String {
        switch self {
        case .structure(let structure): structure.name
        case .enumeration(let enumeration): enumeration.name
        }
    }
}

/// A resolved structure.
public struct StructureModel: Sendable, Hashable {
    /// The Swift type name.
    public var name: String
    /// The documentation.
    public var documentation: String?
    /// The members in schema order.
    public var members: [MemberModel]
    /// Whether some operation rejects with this shape (the type then conforms to `Error`).
    public var isError: Bool

    /// Creates a structure.
    public init(name: String, documentation: String?, members: [MemberModel], isError: Bool) {
        self.name = name
        self.documentation = documentation
        self.members = members
        self.isError = isError
    }

    /// Members that travel in the payload.
    public var payloadMembers: [MemberModel] { members.filter { !$0.isTopicBound } }

    /// The member whose JSON key is `name`.
    public func member(named name: String) -> MemberModel? { members.first { $0.name == name } }
}

/// A resolved structure member.
public struct MemberModel: Sendable, Hashable {
    /// The JSON key (and placeholder name).
    public var name: String
    /// The Swift property name.
    public var swiftName: String
    /// The type.
    public var type: ResolvedType
    /// Whether the member must be present.
    public var isRequired: Bool
    /// Whether the member may be an explicit `null`.
    public var isNullable: Bool
    /// The documentation.
    public var documentation: String?
    /// Whether the member fills a topic placeholder of the same name and stays out of the payload.
    public var isTopicBound: Bool

    /// Creates a member.
    public init(
        name: String, swiftName: String, type: ResolvedType, isRequired: Bool, isNullable: Bool, documentation: String?,
        isTopicBound: Bool
    ) {
        self.name = name
        self.swiftName = swiftName
        self.type = type
        self.isRequired = isRequired
        self.isNullable = isNullable
        self.documentation = documentation
        self.isTopicBound = isTopicBound
    }
}

/// A resolved member type.
public indirect enum ResolvedType: Sendable, Hashable {
    /// A built-in type.
    case primitive(PrimitiveType)
    /// A structure of the service.
    case structure(String)
    /// An enumeration of the service.
    case enumeration(String)
    /// A list.
    case list(ResolvedType)
    /// A map with string keys (`key == nil`) or enumeration keys.
    case map(key: String?, value: ResolvedType)

    /// Whether the wire form differs from the Swift form (timestamps and blobs go through
    /// `EpochSeconds` and `Base64Bytes`).
    public var needsWireConversion: Bool {
        switch self {
        case .primitive(let primitive): primitive == .timestamp || primitive == .blob
        case .structure, .enumeration: false
        case .list(let element): element.needsWireConversion
        case .map(_, let value): value.needsWireConversion
        }
    }
}

/// A resolved enumeration.
public struct EnumModel: Sendable, Hashable {
    /// The Swift type name.
    public var name: String
    /// The documentation.
    public var documentation: String?
    /// The known values in schema order.
    public var values: [EnumValueModel]

    /// Creates an enumeration.
    public init(name: String, documentation: String?, values: [EnumValueModel]) {
        self.name = name
        self.documentation = documentation
        self.values = values
    }
}

/// One known value of an enumeration.
public struct EnumValueModel: Sendable, Hashable {
    /// The string on the wire.
    public var value: String
    /// The Swift static member name.
    public var swiftName: String
    /// The documentation.
    public var documentation: String?

    /// Creates a value.
    public init(value: String, swiftName: String, documentation: String?) {
        self.value = value
        self.swiftName = swiftName
        self.documentation = documentation
    }
}

/// A resolved request-response operation.
public struct OperationModel: Sendable, Hashable {
    /// The operation name (`GetShadow`).
    public var name: String
    /// The Swift method name (`getShadow`).
    public var methodName: String
    /// The documentation.
    public var documentation: String?
    /// The request structure's name.
    public var request: String
    /// The structure a success response decodes to.
    public var response: String
    /// The structure an error response decodes to, if the operation has error responses.
    public var error: String?
    /// The request topic.
    public var publishTopic: SchemaTopicTemplate
    /// The filters subscribed to before publishing.
    public var subscriptions: [SchemaTopicTemplate]
    /// The response paths in schema order.
    public var responses: [ResponseModel]
    /// How responses are correlated.
    public var correlation: CorrelationModel
    /// The default response timeout in milliseconds, used when a call passes `nil`; `nil` leaves
    /// it to the request-response client.
    public var defaultTimeoutMilliseconds: Int?

    /// Creates an operation.
    public init(
        name: String, methodName: String, documentation: String?, request: String, response: String, error: String?,
        publishTopic: SchemaTopicTemplate, subscriptions: [SchemaTopicTemplate], responses: [ResponseModel],
        correlation: CorrelationModel,
        defaultTimeoutMilliseconds: Int? = nil
    ) {
        self.defaultTimeoutMilliseconds = defaultTimeoutMilliseconds
        self.name = name
        self.methodName = methodName
        self.documentation = documentation
        self.request = request
        self.response = response
        self.error = error
        self.publishTopic = publishTopic
        self.subscriptions = subscriptions
        self.responses = responses
        self.correlation = correlation
    }
}

/// A resolved response path.
public struct ResponseModel: Sendable, Hashable {
    /// The response topic (`nil` in correlation-data mode).
    public var topic: SchemaTopicTemplate?
    /// Whether this is an error response.
    public var isError: Bool

    /// Creates a response path.
    public init(topic: SchemaTopicTemplate?, isError: Bool) {
        self.topic = topic
        self.isError = isError
    }
}

/// A resolved correlation.
public enum CorrelationModel: Sendable, Hashable {
    /// A token in the JSON member `jsonName`, which is the Swift property `swiftName` of the
    /// request, the response and the error shape alike.
    case token(jsonName: String, requestProperty: String, responseProperty: String, errorProperty: String?)
    /// MQTT 5 response topic and correlation data.
    case correlationData
    /// None: requests run one at a time.
    case none
}

/// A resolved streaming operation.
public struct StreamModel: Sendable, Hashable {
    /// The stream name (`ShadowDeltaUpdated`).
    public var name: String
    /// The Swift method name (`shadowDeltaUpdatedEvents`).
    public var methodName: String
    /// The documentation.
    public var documentation: String?
    /// The structure that fills the topic placeholders, if the topic has any.
    public var request: String?
    /// The topic filter.
    public var topic: SchemaTopicTemplate
    /// The event structure.
    public var event: String

    /// Creates a stream.
    public init(
        name: String, methodName: String, documentation: String?, request: String?, topic: SchemaTopicTemplate,
        event: String
    ) {
        self.name = name
        self.methodName = methodName
        self.documentation = documentation
        self.request = request
        self.topic = topic
        self.event = event
    }
}
