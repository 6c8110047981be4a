/// Exports a service schema as an AsyncAPI 3.0 document: the reverse of ``AsyncAPIReader``,
/// so reading the export generates the same Swift as the schema it came from.
///
/// Each operation gets a channel named after it (the request) and one named `<Operation>Reply`
/// (`…/{outcome}` with the response topics' last levels as the outcome's values), or an MQTT 5
/// response-topic reply; each stream a channel named after it. Topic-bound request members
/// become channel parameters and leave the payload schemas. What JSON Schema cannot say is
/// written as `x-rrgen-*` extensions.
public struct AsyncAPIWriter {
    /// The AsyncAPI version written.
    public static let version = "3.0.0"

    let schema: ServiceSchema
    var shapesByName: [String: ShapeSchema] = [:]
    /// Topic placeholders per request structure, in address order.
    var topicMembers: [String: [String]] = [:]

    /// Exports a schema, which should be valid (``SchemaValidator``).
    ///
    /// - Parameter schema: A valid schema, in either input format.
    /// - Returns: The AsyncAPI document as JSON (`yaml: false`) or YAML text.
    /// - Throws: ``RRGenError`` for what AsyncAPI cannot express (a topic member that is not a
    ///   string, responses that differ in more than their last topic level).
    public static func export(_ schema: ServiceSchema, yaml: Bool) throws(RRGenError) -> String {
        var writer = AsyncAPIWriter(schema: schema)
        let document = try writer.document()
        guard yaml else { return document.json }
        do {
            return try document.yaml()
        } catch {
            throw RRGenError(path: .root, message: "cannot write YAML: \(error)")
        }
    }

    init(schema: ServiceSchema) {
        self.schema = schema
        for shape in schema.shapes { shapesByName[shape.name.value] = shape }
    }

    mutating func document() throws(RRGenError) -> DocumentValue {
        for operation in schema.operations {
            try recordTopicMembers(operation.request.value, topic: operation.publishTopic)
        }
        for stream in schema.streams {
            if let request = stream.request { try recordTopicMembers(request.value, topic: stream.topic) }
        }
        let (channels, operations) = try channelsAndOperations()
        return .object([
            "asyncapi": .string(Self.version),
            "info": .object([
                "title": .string(schema.name.value),
                "version": .string("1.0.0"),
                "description": schema.documentation.map { .string($0) },
            ]),
            "defaultContentType": .string("application/json"),
            "channels": .object(channels),
            "operations": .object(operations),
            "components": .object([
                "schemas": .object(
                    try schema.shapes.map { shape throws(RRGenError) in
                        DocumentValue.Member(key: shape.name.value, value: try shapeSchema(shape))
                    }),
                "messages": .object(try messages()),
            ]),
        ])
    }

    private mutating func recordTopicMembers(_ shape: String, topic: Sourced<String>) throws(RRGenError) {
        let placeholders = AsyncAPIReader.placeholders(in: topic.value)
        guard let structure = shapesByName[shape], case .structure(let members) = structure.kind else { return }
        for name in placeholders {
            guard let member = members.first(where: { $0.name.value == name }) else { continue }
            guard member.type.value == .primitive(.string) else {
                throw RRGenError(
                    path: member.type.path,
                    message:
                        "cannot export to AsyncAPI: topic member '\(name)' is not a string (AsyncAPI parameters are strings)",
                    location: member.type.location)
            }
            if member.swiftName != nil {
                throw RRGenError(
                    path: member.name.path,
                    message:
                        "cannot export to AsyncAPI: topic member '\(name)' has a swiftName (channel parameters have none)",
                    location: member.name.location)
            }
        }
        let bound = placeholders.filter { name in members.contains { $0.name.value == name } }
        let leading = members.prefix(bound.count).map(\.name.value)
        guard Set(leading) == Set(bound) else {
            throw RRGenError(
                path: structure.name.path,
                message:
                    "cannot export to AsyncAPI: the topic members of \(shape) (\(bound.joined(separator: ", "))) must be its first members, as the reader puts channel parameters first"
            )
        }
        topicMembers[shape] = leading
    }

    // MARK: Channels and operations

    private func channelsAndOperations() throws(RRGenError) -> ([DocumentValue.Member], [DocumentValue.Member]) {
        // First the addresses, so derived subscriptions can be compared with the written ones.
        var addresses: [(key: String, address: String)] = []
        var replies: [String: (address: String, outcome: [String]?)] = [:]
        for operation in schema.operations {
            addresses.append((operation.name.value, operation.publishTopic.value))
            if let reply = try replyAddress(operation) {
                replies[operation.name.value] = reply
                addresses.append(("\(operation.name.value)Reply", reply.address))
            }
        }
        for stream in schema.streams { addresses.append((stream.name.value, stream.topic.value)) }
        var seenKeys: Set<String> = []
        for (key, _) in addresses where !seenKeys.insert(key).inserted {
            throw RRGenError(path: .root, message: "cannot export to AsyncAPI: two channels would be named '\(key)'")
        }

        var channels: [DocumentValue.Member] = []
        var operations: [DocumentValue.Member] = []
        for operation in schema.operations {
            let name = operation.name.value
            let request = operation.request.value
            channels.append(
                .init(
                    key: name,
                    value: channel(
                        address: operation.publishTopic.value, requestShape: request,
                        messages: [(request, "#/components/messages/\(request)")])))
            var reply: DocumentValue
            var subscriptions: DocumentValue?
            if let replyChannel = replies[name] {
                let keys = replyChannel.outcome ?? operation.responses.map(\.shape.value)
                channels.append(
                    .init(
                        key: "\(name)Reply",
                        value: channel(
                            address: replyChannel.address, requestShape: request,
                            messages: zip(keys, operation.responses).map {
                                ($0, "#/components/messages/\($1.shape.value)")
                            },
                            outcome: replyChannel.outcome)))
                reply = .object([
                    "channel": .reference("#/channels/\(name)Reply"),
                    "messages": .array(keys.map { .reference("#/channels/\(name)Reply/messages/\($0)") }),
                ])
                let derived = AsyncAPIReader.derivedSubscriptions(
                    responseTopics: operation.responses.compactMap(\.topic?.value),
                    outcome: replyChannel.outcome == nil ? nil : "outcome",
                    replyAddress: replyChannel.address,
                    otherAddresses: addresses.filter { $0.key != "\(name)Reply" }.map(\.address))
                let written = operation.subscriptions.map(\.value)
                if derived != written { subscriptions = .array(written.map { .string($0) }) }
            } else {
                reply = .object([
                    "address": .object(["location": .string(AsyncAPIReader.responseTopicLocation)]),
                    "messages": .array(
                        operation.responses.map { .reference("#/components/messages/\($0.shape.value)") }),
                ])
            }
            operations.append(
                .init(
                    key: name,
                    value: .object([
                        "action": .string("send"),
                        "channel": .reference("#/channels/\(name)"),
                        "description": operation.documentation.map { .string($0) },
                        "messages": .array([.reference("#/channels/\(name)/messages/\(request)")]),
                        "reply": reply,
                        "x-rrgen-subscriptions": subscriptions,
                        "x-rrgen-timeout": operation.defaultTimeout.map { .number(Self.numberText($0.value)) },
                    ])))
        }
        for stream in schema.streams {
            let name = stream.name.value
            let event = stream.event.value
            channels.append(
                .init(
                    key: name,
                    value: channel(
                        address: stream.topic.value, requestShape: stream.request?.value,
                        messages: [(event, "#/components/messages/\(event)")])))
            operations.append(
                .init(
                    key: name,
                    value: .object([
                        "action": .string("receive"),
                        "channel": .reference("#/channels/\(name)"),
                        "description": stream.documentation.map { .string($0) },
                        "messages": .array([.reference("#/channels/\(name)/messages/\(event)")]),
                        "x-rrgen-request": stream.request.map { .reference("#/components/schemas/\($0.value)") },
                    ])))
        }
        return (channels, operations)
    }

    /// The reply channel's address: the single response topic, or the response topics with
    /// their differing last level as `{outcome}`; `nil` for MQTT 5 response-topic replies.
    private func replyAddress(_ operation: OperationSchema) throws(RRGenError) -> (address: String, outcome: [String]?)?
    {
        let topics = operation.responses.compactMap(\.topic?.value)
        guard !topics.isEmpty else { return nil }
        if topics.count == 1 { return (topics[0], nil) }
        let split = topics.map { $0.split(separator: "/", omittingEmptySubsequences: false).map(String.init) }
        let prefix = split[0].dropLast()
        let lastLevels = split.compactMap(\.last)
        let isOutcomeShaped =
            split.allSatisfy { $0.count == split[0].count && $0.dropLast() == prefix }
            && Set(lastLevels).count == lastLevels.count
            && lastLevels.allSatisfy { level in
                !level.isEmpty && !level.hasPrefix("{")
                    && level.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            }
        guard isOutcomeShaped else {
            throw RRGenError(
                path: operation.path.appending("responses"),
                message:
                    "cannot export to AsyncAPI: the response topics must differ only in their last level (an outcome such as accepted/rejected)"
            )
        }
        if AsyncAPIReader.placeholders(in: operation.publishTopic.value).contains("outcome") {
            throw RRGenError(
                path: operation.publishTopic.path,
                message: "cannot export to AsyncAPI: the placeholder {outcome} is taken by the request",
                location: operation.publishTopic.location)
        }
        return ((prefix + ["{outcome}"]).joined(separator: "/"), lastLevels)
    }

    private func channel(
        address: String, requestShape: String?, messages: [(key: String, pointer: String)], outcome: [String]? = nil
    ) -> DocumentValue {
        var parameters: [DocumentValue.Member] = []
        var members: [MemberSchema] = []
        if let requestShape, case .structure(let structureMembers)? = shapesByName[requestShape]?.kind {
            members = structureMembers
        }
        for name in AsyncAPIReader.placeholders(in: address) {
            if name == "outcome", let outcome {
                parameters.append(
                    .init(
                        key: name,
                        value: .object([
                            "description": .string("Whether the request was accepted or rejected."),
                            "enum": .array(outcome.map { .string($0) }),
                        ])))
                continue
            }
            let documentation = members.first { $0.name.value == name }?.documentation
            parameters.append(.init(key: name, value: .object(["description": documentation.map { .string($0) }])))
        }
        return .object([
            "address": .string(address),
            "parameters": parameters.isEmpty ? nil : .object(parameters),
            "messages": .object(messages.map { .init(key: $0.key, value: .reference($0.pointer)) }),
        ])
    }

    /// A number as JSON text: integers without a fraction.
    static func numberText(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    // MARK: Messages

    private func messages() throws(RRGenError) -> [DocumentValue.Member] {
        var order: [String] = []
        var correlation: [String: (value: CorrelationSchema, path: JSONPath)] = [:]
        var errorRole: [String: (isError: Bool, path: JSONPath)] = [:]
        func use(_ shape: String) {
            if !order.contains(shape) { order.append(shape) }
        }
        for operation in schema.operations {
            let request = operation.request.value
            use(request)
            if let existing = correlation[request], existing.value != operation.correlation.value {
                throw RRGenError(
                    path: operation.correlation.path,
                    message:
                        "cannot export to AsyncAPI: \(request) is the request of operations with different correlation (a message has one correlationId)"
                )
            }
            correlation[request] = (operation.correlation.value, operation.correlation.path)
            for response in operation.responses {
                use(response.shape.value)
                if let existing = errorRole[response.shape.value], existing.isError != response.isError {
                    throw RRGenError(
                        path: response.path,
                        message:
                            "cannot export to AsyncAPI: \(response.shape.value) is an error response in one operation and a success in another (x-rrgen-error is per message)"
                    )
                }
                errorRole[response.shape.value] = (response.isError, response.path)
            }
        }
        for stream in schema.streams { use(stream.event.value) }
        return order.map { shape in
            var correlationId: DocumentValue?
            switch correlation[shape]?.value {
            case .token(let member)?:
                correlationId = .object(["location": .string(AsyncAPIReader.payloadLocationPrefix + member)])
            case .correlationData?:
                correlationId = .object(["location": .string(AsyncAPIReader.correlationDataLocation)])
            case .none?, nil: correlationId = nil
            }
            return .init(
                key: shape,
                value: .object([
                    "name": .string(shape),
                    "payload": .reference("#/components/schemas/\(shape)"),
                    "correlationId": correlationId,
                    "x-rrgen-error": errorRole[shape]?.isError == true ? .bool(true) : nil,
                ]))
        }
    }

    // MARK: Schemas

    private func shapeSchema(_ shape: ShapeSchema) throws(RRGenError) -> DocumentValue {
        let description = shape.documentation.map { DocumentValue.string($0) }
        switch shape.kind {
        case .enumeration(let values):
            let descriptions = values.compactMap { value in
                value.documentation.map { DocumentValue.Member(key: value.value.value, value: .string($0)) }
            }
            let swiftNames = values.compactMap { value in
                value.swiftName.map { DocumentValue.Member(key: value.value.value, value: .string($0.value)) }
            }
            return .object([
                "type": .string("string"),
                "description": description,
                "enum": .array(values.map { .string($0.value.value) }),
                "x-rrgen-enumDescriptions": descriptions.isEmpty ? nil : .object(descriptions),
                "x-rrgen-enumSwiftNames": swiftNames.isEmpty ? nil : .object(swiftNames),
            ])
        case .structure(let members):
            let bound = Set(topicMembers[shape.name.value] ?? [])
            let payloadMembers = members.filter { !bound.contains($0.name.value) }
            let required = payloadMembers.filter(\.isRequired).map { DocumentValue.string($0.name.value) }
            return .object([
                "type": .string("object"),
                "description": description,
                "properties": payloadMembers.isEmpty
                    ? nil
                    : .object(
                        payloadMembers.map { member in
                            .init(key: member.name.value, value: memberSchema(member))
                        }),
                "required": required.isEmpty ? nil : .array(required),
            ])
        }
    }

    private func memberSchema(_ member: MemberSchema) -> DocumentValue {
        var members = typeSchema(member.type.value, isNullable: member.isNullable)
        if let documentation = member.documentation {
            members.append(.init(key: "description", value: .string(documentation)))
        }
        if let swiftName = member.swiftName {
            members.append(.init(key: "x-rrgen-swiftName", value: .string(swiftName.value)))
        }
        return .object(members)
    }

    private func typeSchema(_ type: TypeReference, isNullable: Bool = false) -> [DocumentValue.Member] {
        func typed(_ name: String, _ extra: [DocumentValue.Member] = []) -> [DocumentValue.Member] {
            let type: DocumentValue = isNullable ? .array([.string(name), .string("null")]) : .string(name)
            return [.init(key: "type", value: type)] + extra
        }
        switch type {
        case .primitive(let primitive):
            switch primitive {
            case .string: return typed("string")
            case .integer: return typed("integer")
            case .long: return typed("integer", [.init(key: "format", value: .string("int64"))])
            case .double: return typed("number")
            case .boolean: return typed("boolean")
            case .timestamp: return typed("number", [.init(key: "x-rrgen-timestamp", value: .bool(true))])
            case .blob: return typed("string", [.init(key: "contentEncoding", value: .string("base64"))])
            case .document: return isNullable ? [.init(key: "x-rrgen-nullable", value: .bool(true))] : []
            }
        case .shape(let name):
            let reference = DocumentValue.Member(key: "$ref", value: .string("#/components/schemas/\(name)"))
            guard isNullable else { return [reference] }
            return [.init(key: "oneOf", value: .array([.object([reference]), .object(["type": .string("null")])]))]
        case .list(let element):
            return typed("array", [.init(key: "items", value: .object(typeSchema(element.value)))])
        case .map(let key, let value):
            var extra: [DocumentValue.Member] = [
                .init(key: "additionalProperties", value: .object(typeSchema(value.value)))
            ]
            if case .shape(let keyName)? = key?.value {
                extra.append(.init(key: "propertyNames", value: .reference("#/components/schemas/\(keyName)")))
            }
            return typed("object", extra)
        }
    }
}
