/// Turns schema JSON into a ``ServiceSchema``: the syntactic stage of the pipeline.
///
/// It checks that every value has the expected JSON type and that no unknown key appears
/// (a misspelt `"requried"` is an error, not a silently optional member). It stops at the
/// first problem. Meaning (references, topics, names) is checked by ``SchemaValidator``.
public enum SchemaParser {
    /// The keys a schema document may have.
    static let documentKeys = ["$schema", "name", "documentation", "shapes", "operations", "streams"]
    static let shapeKeys = ["type", "documentation", "members", "values"]
    static let memberKeys = ["type", "required", "nullable", "documentation", "swiftName"]
    static let enumValueKeys = ["value", "swiftName", "documentation"]
    static let operationKeys = [
        "documentation", "request", "publishTopic", "subscriptions", "responses", "correlation", "timeout",
    ]
    static let responseKeys = ["topic", "shape", "error"]
    static let correlationKeys = ["kind", "member"]
    static let streamKeys = ["documentation", "request", "topic", "event"]

    /// Parses schema text.
    ///
    /// - Parameter bytes: The schema file's UTF-8 contents.
    /// - Returns: The schema as written.
    /// - Throws: ``RRGenError`` with the first problem.
    public static func parse(_ bytes: some Sequence<UInt8>) throws(RRGenError) -> ServiceSchema {
        try parse(JSONParser.parse(bytes))
    }

    /// Parses an already parsed JSON document.
    public static func parse(_ root: JSONNode) throws(RRGenError) -> ServiceSchema {
        let document = try JSONObjectReader(root, path: .root, what: "a service schema", allowedKeys: documentKeys)
        let name = try document.requiredString("name", expected: "the service name, such as \"IoTShadow\"")
        let documentation = try document.string("documentation")?.value

        var shapes: [ShapeSchema] = []
        for member in try document.object("shapes") ?? [] {
            shapes.append(try parseShape(member, path: JSONPath.root.appending("shapes").appending(member.key)))
        }
        var operations: [OperationSchema] = []
        for member in try document.object("operations") ?? [] {
            operations.append(
                try parseOperation(member, path: JSONPath.root.appending("operations").appending(member.key)))
        }
        var streams: [StreamSchema] = []
        for member in try document.object("streams") ?? [] {
            streams.append(try parseStream(member, path: JSONPath.root.appending("streams").appending(member.key)))
        }
        return ServiceSchema(
            name: name, documentation: documentation, shapes: shapes, operations: operations, streams: streams)
    }

    private static func parseShape(_ member: JSONMember, path: JSONPath) throws(RRGenError) -> ShapeSchema {
        let reader = try JSONObjectReader(member.value, path: path, what: "a shape", allowedKeys: shapeKeys)
        let name = Sourced(member.key, path: path, location: member.keyLocation)
        let documentation = try reader.string("documentation")?.value
        let type = try reader.requiredString("type", expected: "\"structure\" or \"enum\"")
        switch type.value {
        case "structure":
            if reader.has("values") {
                throw RRGenError(
                    path: path.appending("values"),
                    message: "'values' belongs to enum shapes; a structure has 'members'",
                    location: reader.node("values")?.location)
            }
            guard let membersNode = reader.node("members") else {
                throw RRGenError(
                    path: path, message: "missing required key 'members' (an object of members, possibly empty)",
                    location: reader.location)
            }
            let membersPath = path.appending("members")
            guard case .object(let memberNodes) = membersNode.value else {
                throw RRGenError(
                    path: membersPath, message: "expected an object of members, found \(membersNode.kindDescription)",
                    location: membersNode.location)
            }
            var members: [MemberSchema] = []
            for memberNode in memberNodes {
                members.append(try parseMember(memberNode, path: membersPath.appending(memberNode.key)))
            }
            return ShapeSchema(name: name, documentation: documentation, kind: .structure(members))
        case "enum":
            if reader.has("members") {
                throw RRGenError(
                    path: path.appending("members"),
                    message: "'members' belongs to structure shapes; an enum has 'values'",
                    location: reader.node("members")?.location)
            }
            guard let valueNodes = try reader.array("values") else {
                throw RRGenError(
                    path: path, message: "missing required key 'values' (an array of strings)",
                    location: reader.location)
            }
            let valuesPath = path.appending("values")
            if valueNodes.isEmpty {
                throw RRGenError(
                    path: valuesPath, message: "an enum needs at least one value",
                    location: reader.node("values")?.location)
            }
            var values: [EnumValueSchema] = []
            for (index, node) in valueNodes.enumerated() {
                values.append(try parseEnumValue(node, path: valuesPath.appending(index: index)))
            }
            return ShapeSchema(name: name, documentation: documentation, kind: .enumeration(values))
        default:
            throw RRGenError(
                path: type.path, message: "expected \"structure\" or \"enum\", found \"\(type.value)\"",
                location: type.location)
        }
    }

    private static func parseEnumValue(_ node: JSONNode, path: JSONPath) throws(RRGenError) -> EnumValueSchema {
        if case .string(let value) = node.value {
            return EnumValueSchema(
                value: Sourced(value, path: path, location: node.location), swiftName: nil, documentation: nil)
        }
        guard case .object = node.value else {
            throw RRGenError(
                path: path, message: "expected a string or an object with 'value', found \(node.kindDescription)",
                location: node.location)
        }
        let reader = try JSONObjectReader(node, path: path, what: "an enum value", allowedKeys: enumValueKeys)
        return EnumValueSchema(
            value: try reader.requiredString("value", expected: "the string on the wire"),
            swiftName: try reader.string("swiftName"),
            documentation: try reader.string("documentation")?.value)
    }

    private static func parseMember(_ member: JSONMember, path: JSONPath) throws(RRGenError) -> MemberSchema {
        let reader = try JSONObjectReader(member.value, path: path, what: "a member", allowedKeys: memberKeys)
        let typeNode = try reader.requiredNode(
            "type", expected: "a type name or a {\"list\": ...} / {\"map\": ...} object")
        return MemberSchema(
            name: Sourced(member.key, path: path, location: member.keyLocation),
            swiftName: try reader.string("swiftName"),
            type: try parseTypeReference(typeNode, path: path.appending("type")),
            isRequired: try reader.bool("required") ?? false,
            isNullable: try reader.bool("nullable") ?? false,
            documentation: try reader.string("documentation")?.value)
    }

    /// Parses `"string"`, `"ShapeName"`, `{"list": T}` or `{"map": T, "key": K}`.
    static func parseTypeReference(_ node: JSONNode, path: JSONPath) throws(RRGenError) -> Sourced<TypeReference> {
        switch node.value {
        case .string(let name):
            if let primitive = PrimitiveType(rawValue: name) {
                return Sourced(.primitive(primitive), path: path, location: node.location)
            }
            return Sourced(.shape(name), path: path, location: node.location)
        case .object(let members):
            let keys = Set(members.map(\.key))
            if keys.contains("list") {
                let reader = try JSONObjectReader(node, path: path, what: "a list type", allowedKeys: ["list"])
                let element = try parseTypeReference(reader.node("list")!, path: path.appending("list"))
                return Sourced(.list(element), path: path, location: node.location)
            }
            if keys.contains("map") {
                let reader = try JSONObjectReader(node, path: path, what: "a map type", allowedKeys: ["map", "key"])
                let value = try parseTypeReference(reader.node("map")!, path: path.appending("map"))
                let key = try reader.node("key").map { (keyNode) throws(RRGenError) in
                    try parseTypeReference(keyNode, path: path.appending("key"))
                }
                return Sourced(.map(key: key, value: value), path: path, location: node.location)
            }
            throw RRGenError(path: path, message: "expected an object with 'list' or 'map'", location: node.location)
        default:
            throw RRGenError(
                path: path,
                message:
                    "expected a type name or a {\"list\": ...} / {\"map\": ...} object, found \(node.kindDescription)",
                location: node.location)
        }
    }

    private static func parseOperation(_ member: JSONMember, path: JSONPath) throws(RRGenError) -> OperationSchema {
        let reader = try JSONObjectReader(member.value, path: path, what: "an operation", allowedKeys: operationKeys)
        let correlationNode = try reader.requiredNode(
            "correlation", expected: "{\"kind\": \"token\" | \"correlationData\" | \"none\"}")
        let correlation = try parseCorrelation(correlationNode, path: path.appending("correlation"))

        var subscriptions: [Sourced<String>] = []
        let subscriptionsPath = path.appending("subscriptions")
        for (index, node) in (try reader.array("subscriptions") ?? []).enumerated() {
            guard case .string(let filter) = node.value else {
                throw RRGenError(
                    path: subscriptionsPath.appending(index: index),
                    message: "expected a topic filter string, found \(node.kindDescription)", location: node.location)
            }
            subscriptions.append(
                Sourced(filter, path: subscriptionsPath.appending(index: index), location: node.location))
        }

        let responsesPath = path.appending("responses")
        guard let responseNodes = try reader.array("responses") else {
            throw RRGenError(
                path: path, message: "missing required key 'responses' (an array of {\"topic\", \"shape\", \"error\"})",
                location: reader.location)
        }
        var responses: [ResponseSchema] = []
        for (index, node) in responseNodes.enumerated() {
            let responsePath = responsesPath.appending(index: index)
            let response = try JSONObjectReader(
                node, path: responsePath, what: "a response path", allowedKeys: responseKeys)
            responses.append(
                ResponseSchema(
                    topic: try response.string("topic"),
                    shape: try response.requiredString("shape", expected: "the structure the payload decodes to"),
                    isError: try response.bool("error") ?? false,
                    path: responsePath))
        }
        return OperationSchema(
            name: Sourced(member.key, path: path, location: member.keyLocation),
            documentation: try reader.string("documentation")?.value,
            request: try reader.requiredString("request", expected: "the request structure"),
            publishTopic: try reader.requiredString("publishTopic", expected: "the topic requests are published to"),
            subscriptions: subscriptions,
            responses: responses,
            correlation: correlation,
            path: path, defaultTimeout: try reader.number("timeout"))
    }

    private static func parseCorrelation(
        _ node: JSONNode, path: JSONPath
    ) throws(RRGenError) -> Sourced<CorrelationSchema> {
        let reader = try JSONObjectReader(node, path: path, what: "a correlation", allowedKeys: correlationKeys)
        let kind = try reader.requiredString("kind", expected: "\"token\", \"correlationData\" or \"none\"")
        switch kind.value {
        case "token":
            let member = try reader.requiredString(
                "member", expected: "the request member carrying the token, such as \"clientToken\"")
            return Sourced(.token(member: member.value), path: path, location: node.location)
        case "correlationData", "none":
            if let member = reader.node("member") {
                throw RRGenError(
                    path: path.appending("member"), message: "'member' is only used with kind \"token\"",
                    location: member.location)
            }
            return Sourced(
                kind.value == "none" ? CorrelationSchema.none : .correlationData, path: path, location: node.location)
        default:
            throw RRGenError(
                path: kind.path,
                message: "expected \"token\", \"correlationData\" or \"none\", found \"\(kind.value)\"",
                location: kind.location)
        }
    }

    private static func parseStream(_ member: JSONMember, path: JSONPath) throws(RRGenError) -> StreamSchema {
        let reader = try JSONObjectReader(member.value, path: path, what: "a stream", allowedKeys: streamKeys)
        return StreamSchema(
            name: Sourced(member.key, path: path, location: member.keyLocation),
            documentation: try reader.string("documentation")?.value,
            request: try reader.string("request"),
            topic: try reader.requiredString("topic", expected: "the topic filter events arrive on"),
            event: try reader.requiredString("event", expected: "the structure each event decodes to"),
            path: path)
    }
}
