/// Reads an AsyncAPI 3.0 or 3.1 document into a ``ServiceSchema``, the same value
/// ``SchemaParser`` builds from rrgen's own format, so validation and rendering are shared.
///
/// - An operation with `action: send` and a `reply` is a request-response operation.
/// - An operation with `action: receive` is a stream; its channel's parameters fill the topic.
/// - `components.schemas` become shapes; a request's channel parameters become its first members.
///
/// Every value keeps the JSON path it was read from, so the validator's diagnostics name the
/// AsyncAPI document's paths. Anything rrgen cannot represent is an error, never dropped.
public struct AsyncAPIReader {
    /// The AsyncAPI versions read.
    public static let supportedVersions = ["3.0.0", "3.1.0"]

    let root: JSONNode
    /// Shapes in `components.schemas` order, then the synthesized stream request shapes.
    var shapes: [ShapeSchema] = []
    /// Channel parameters that become leading members of request shapes, per shape.
    var topicMembers: [String: (members: [MemberSchema], owner: JSONPath)] = [:]

    /// Whether `root` is an AsyncAPI document (it has a top-level `asyncapi` key).
    public static func isAsyncAPI(_ root: JSONNode) -> Bool {
        guard case .object(let members) = root.value else { return false }
        return members.contains { $0.key == "asyncapi" }
    }

    /// Reads an AsyncAPI document.
    ///
    /// - Parameter root: The parsed JSON or YAML document.
    /// - Returns: The service it describes, as rrgen's own format would write it.
    /// - Throws: ``RRGenError`` naming the JSON path of the first construct rrgen cannot read.
    public static func read(_ root: JSONNode) throws(RRGenError) -> ServiceSchema {
        var reader = AsyncAPIReader(root: root)
        return try reader.readDocument()
    }

    private mutating func readDocument() throws(RRGenError) -> ServiceSchema {
        let document = try AsyncAPIObject(
            root, path: .root, what: "an AsyncAPI document",
            supported: ["asyncapi", "info", "channels", "operations", "components", "defaultContentType"],
            ignored: ["id", "servers"])
        let version = try document.requiredString("asyncapi", expected: "\"3.0.0\"")
        guard Self.supportedVersions.contains(version.value) else {
            throw RRGenError(
                path: version.path,
                message:
                    "AsyncAPI \(version.value) is not supported; rrgen reads \(Self.supportedVersions.joined(separator: " and "))",
                location: version.location)
        }
        if let contentType = try document.string("defaultContentType"), contentType.value != "application/json" {
            throw RRGenError(
                path: contentType.path,
                message: "only application/json payloads are supported, found '\(contentType.value)'",
                location: contentType.location)
        }
        let info = try AsyncAPIObject(
            document.requiredNode("info", expected: "title, version and description"), path: "info",
            what: "the info object",
            supported: ["title", "version", "description", "x-rrgen-name"],
            ignored: ["termsOfService", "contact", "license", "tags", "externalDocs"])
        let title = try info.requiredString("title", expected: "the service name")
        _ = try info.requiredString("version", expected: "the document's version, such as \"1.0.0\"")
        let name = try info.string("x-rrgen-name") ?? title
        let documentation = try info.string("description")?.value

        if let components = document.node("components") {
            _ = try AsyncAPIObject(
                components, path: "components", what: "the components object",
                supported: [
                    "schemas", "messages", "parameters", "channels", "operations", "replies", "replyAddresses",
                    "correlationIds",
                ],
                ignored: ["tags", "externalDocs"])
        }
        try readShapes()
        let channels = try readChannels(document)
        var operations: [OperationSchema] = []
        var streams: [StreamSchema] = []
        var pendingSubscriptions: [(index: Int, reply: ReplyChannel)] = []
        for member in try document.object("operations") ?? [] {
            let path = JSONPath.root.appending("operations").appending(member.key)
            switch try readOperation(member, path: path, channels: channels) {
            case .requestResponse(let operation, let reply):
                if let reply { pendingSubscriptions.append((operations.count, reply)) }
                operations.append(operation)
            case .stream(let stream):
                streams.append(stream)
            }
        }
        for (index, reply) in pendingSubscriptions where operations[index].subscriptions.isEmpty {
            operations[index].subscriptions = Self.derivedSubscriptions(for: reply, among: channels).map {
                Sourced($0, path: reply.channel.path.appending("address"), location: reply.channel.address?.location)
            }
        }
        try applyTopicMembers()
        return ServiceSchema(
            name: name, documentation: documentation, shapes: shapes, operations: operations, streams: streams)
    }

    // MARK: References

    /// Follows `node` when it is a Reference Object (`{"$ref": "#/..."}`), returning the target
    /// and its path; other nodes are returned as they are.
    func resolve(
        _ node: JSONNode, path: JSONPath, expectedPrefix: [String]? = nil
    ) throws(RRGenError) -> (node: JSONNode, path: JSONPath) {
        var current = (node: node, path: path)
        var seen: Set<JSONPath> = []
        while let reference = try Self.reference(in: current.node, path: current.path) {
            let target = try pointerPath(reference)
            guard seen.insert(target).inserted else {
                throw RRGenError(
                    path: current.path.appending("$ref"), message: "circular reference '\(reference.value)'",
                    location: reference.location)
            }
            if let expectedPrefix, !target.hasPrefix(expectedPrefix) {
                throw RRGenError(
                    path: reference.path,
                    message: "'\(reference.value)' must point into #/\(expectedPrefix.joined(separator: "/"))",
                    location: reference.location)
            }
            guard let resolved = lookUp(target) else {
                throw RRGenError(
                    path: reference.path, message: "'\(reference.value)' points to nothing in this document",
                    location: reference.location)
            }
            current = (resolved, target)
        }
        return current
    }

    /// The `$ref` string of a Reference Object, or `nil` for other values.
    static func reference(in node: JSONNode, path: JSONPath) throws(RRGenError) -> Sourced<String>? {
        guard case .object(let members) = node.value, let member = members.first(where: { $0.key == "$ref" }) else {
            return nil
        }
        guard case .string(let text) = member.value.value else {
            throw RRGenError(
                path: path.appending("$ref"), message: "expected a string, found \(member.value.kindDescription)",
                location: member.value.location)
        }
        return Sourced(text, path: path.appending("$ref"), location: member.value.location)
    }

    /// The document path a local JSON pointer (`#/components/schemas/Name`) names.
    func pointerPath(_ reference: Sourced<String>) throws(RRGenError) -> JSONPath {
        guard reference.value.hasPrefix("#/") else {
            throw RRGenError(
                path: reference.path,
                message: "only references within the document ('#/...') are supported, found '\(reference.value)'",
                location: reference.location)
        }
        let components = reference.value.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacingAll("~1", with: "/").replacingAll("~0", with: "~")
        }
        return JSONPath(components: components.map { .key($0) })
    }

    func lookUp(_ path: JSONPath) -> JSONNode? {
        var node = root
        for component in path.components {
            switch (component, node.value) {
            case (.key(let key), .object(let members)):
                guard let next = members.first(where: { $0.key == key }) else { return nil }
                node = next.value
            case (.key(let key), .array(let elements)):
                guard let index = Int(key), elements.indices.contains(index) else { return nil }
                node = elements[index]
            case (.index(let index), .array(let elements)):
                guard elements.indices.contains(index) else { return nil }
                node = elements[index]
            default:
                return nil
            }
        }
        return node
    }
}

extension JSONPath {
    /// Whether the path starts with these keys.
    func hasPrefix(_ keys: [String]) -> Bool {
        guard components.count >= keys.count else { return false }
        return zip(components, keys).allSatisfy { $0 == .key($1) }
    }

    /// The last key, if the path ends in one.
    var lastKey: String? {
        if case .key(let key)? = components.last { return key }
        return nil
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
