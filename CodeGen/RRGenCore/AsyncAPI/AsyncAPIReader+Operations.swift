/// Operations: `send` with a `reply` is a request-response operation, `receive` a stream.
extension AsyncAPIReader {
    /// What one AsyncAPI operation becomes.
    enum ReadOperation {
        /// A request-response operation, with its reply channel when responses have topics
        /// (for deriving subscriptions once every channel is known).
        case requestResponse(OperationSchema, ReplyChannel?)
        case stream(StreamSchema)
    }

    static let responseTopicLocation = "$message.header#/responseTopic"
    static let correlationDataLocation = "$message.header#/correlationData"
    static let payloadLocationPrefix = "$message.payload#/"

    mutating func readOperation(
        _ member: JSONMember, path: JSONPath, channels: [Channel]
    ) throws(RRGenError) -> ReadOperation {
        let (node, path) = try resolve(member.value, path: path)
        let operation = try AsyncAPIObject(
            node, path: path, what: "an operation",
            supported: [
                "action", "channel", "messages", "reply", "description", "x-rrgen-subscriptions", "x-rrgen-request",
                "x-rrgen-timeout",
            ],
            ignored: ["title", "summary", "tags", "externalDocs"])
        let name = Sourced(member.key, path: path, location: member.keyLocation)
        let documentation = try operation.string("description")?.value
        let action = try operation.requiredString("action", expected: "\"send\" or \"receive\"")
        let channelNode = try operation.requiredNode("channel", expected: "a $ref to the channel")
        guard let channelReference = try Self.reference(in: channelNode, path: path.appending("channel")) else {
            throw RRGenError(
                path: path.appending("channel"), message: "expected a $ref to a channel (#/channels/Name)",
                location: channelNode.location)
        }
        let channelPath = try pointerPath(channelReference)
        guard channelPath.components.count == 2, channelPath.hasPrefix(["channels"]),
            let channel = channels.first(where: { $0.path == channelPath })
        else {
            throw RRGenError(
                path: channelReference.path,
                message: "'\(channelReference.value)' must refer to a channel in #/channels",
                location: channelReference.location)
        }
        guard let address = channel.address else {
            throw RRGenError(
                path: channel.path, message: "the channel of operation \(member.key) needs an address", location: nil)
        }
        let messages = try operationMessages(operation, key: "messages", channel: channel, path: path)

        switch action.value {
        case "send":
            if operation.has("x-rrgen-request") {
                throw RRGenError(
                    path: path.appending("x-rrgen-request"),
                    message:
                        "'x-rrgen-request' is for receive operations; a send operation's request is its message payload",
                    location: operation.keyLocation("x-rrgen-request"))
            }
            guard messages.count == 1, let requestMessage = messages.first else {
                throw RRGenError(
                    path: path.appending("messages"),
                    message: "a request-response operation sends exactly one message, found \(messages.count)",
                    location: operation.node("messages")?.location ?? operation.location)
            }
            let request = try readMessage(requestMessage.node, path: requestMessage.path)
            guard let replyNode = operation.node("reply") else {
                throw RRGenError(
                    path: path,
                    message:
                        "a send operation needs a 'reply': rrgen generates request-response operations and streams, not one-way sends",
                    location: action.location)
            }
            try recordTopicMembers(of: request.payload, from: channel)
            let reply = try readReply(
                replyNode, path: path.appending("reply"), requestChannel: channel, channels: channels)
            let correlation = try correlation(
                of: request, replyUsesResponseTopic: reply.usesResponseTopic, at: requestMessage.path)
            var subscriptions: [Sourced<String>] = []
            if let filters = try operation.array("x-rrgen-subscriptions") {
                guard !reply.usesResponseTopic else {
                    throw RRGenError(
                        path: path.appending("x-rrgen-subscriptions"),
                        message: "a reply addressed by the MQTT 5 response topic has no subscriptions",
                        location: operation.keyLocation("x-rrgen-subscriptions"))
                }
                for (index, filterNode) in filters.enumerated() {
                    let filterPath = path.appending("x-rrgen-subscriptions").appending(index: index)
                    guard case .string(let filter) = filterNode.value else {
                        throw RRGenError(
                            path: filterPath,
                            message: "expected a topic filter string, found \(filterNode.kindDescription)",
                            location: filterNode.location)
                    }
                    subscriptions.append(Sourced(filter, path: filterPath, location: filterNode.location))
                }
                if subscriptions.isEmpty {
                    throw RRGenError(
                        path: path.appending("x-rrgen-subscriptions"),
                        message: "expected at least one filter; leave the key out to derive them",
                        location: operation.keyLocation("x-rrgen-subscriptions"))
                }
            }
            let schema = OperationSchema(
                name: name, documentation: documentation, request: request.payload, publishTopic: address,
                subscriptions: subscriptions, responses: reply.responses, correlation: correlation, path: path,
                defaultTimeout: try operation.number("x-rrgen-timeout"))
            return .requestResponse(schema, subscriptions.isEmpty ? reply.channel : nil)
        case "receive":
            if let reply = operation.node("reply") {
                throw RRGenError(
                    path: path.appending("reply"),
                    message: "a receive operation with a reply is not supported; a stream only receives",
                    location: reply.location)
            }
            if operation.has("x-rrgen-subscriptions") {
                throw RRGenError(
                    path: path.appending("x-rrgen-subscriptions"),
                    message:
                        "a stream subscribes to its channel's address; 'x-rrgen-subscriptions' is for send operations",
                    location: operation.keyLocation("x-rrgen-subscriptions"))
            }
            if operation.has("x-rrgen-timeout") {
                throw RRGenError(
                    path: path.appending("x-rrgen-timeout"),
                    message: "a stream has no response to wait for; 'x-rrgen-timeout' is for send operations",
                    location: operation.keyLocation("x-rrgen-timeout"))
            }
            guard messages.count == 1, let eventMessage = messages.first else {
                throw RRGenError(
                    path: path.appending("messages"),
                    message: "a stream receives exactly one message, found \(messages.count)",
                    location: operation.node("messages")?.location ?? operation.location)
            }
            let event = try readMessage(eventMessage.node, path: eventMessage.path)
            if let correlationId = event.correlationId {
                throw RRGenError(
                    path: correlationId.path, message: "a stream's events are not correlated; remove 'correlationId'",
                    location: correlationId.location)
            }
            var request: Sourced<String>?
            if let requestNode = operation.node("x-rrgen-request") {
                let requestPath = path.appending("x-rrgen-request")
                guard let reference = try Self.reference(in: requestNode, path: requestPath) else {
                    throw RRGenError(
                        path: requestPath, message: "expected a $ref to the request structure in components.schemas",
                        location: requestNode.location)
                }
                guard case .shape(let shapeName) = try shapeReference(reference, path: requestPath).value else {
                    preconditionFailure()
                }
                request = Sourced(shapeName, path: reference.path, location: reference.location)
            } else if !channel.parameters.isEmpty {
                let shapeName = "\(member.key)Request"
                if shapes.contains(where: { $0.name.value == shapeName }) {
                    throw RRGenError(
                        path: path,
                        message:
                            "the stream's request shape would be named \(shapeName), which components.schemas already defines; name it with 'x-rrgen-request'",
                        location: operation.location)
                }
                shapes.append(
                    ShapeSchema(
                        name: Sourced(shapeName, path: path), documentation: "Which \(member.key) events to receive.",
                        kind: .structure([])))
                request = Sourced(shapeName, path: path)
            }
            if let request {
                try recordTopicMembers(of: request, from: channel)
            }
            return .stream(
                StreamSchema(
                    name: name, documentation: documentation, request: request, topic: address, event: event.payload,
                    path: path))
        default:
            throw RRGenError(
                path: action.path, message: "expected \"send\" or \"receive\", found \"\(action.value)\"",
                location: action.location)
        }
    }

    // MARK: Messages

    /// A message's payload shape and correlation id.
    struct Message {
        var payload: Sourced<String>
        var correlationId: Sourced<String>?
        var isError: Bool
    }

    func readMessage(_ node: JSONNode, path: JSONPath) throws(RRGenError) -> Message {
        let message = try AsyncAPIObject(
            node, path: path, what: "a message",
            supported: ["payload", "correlationId", "contentType", "description", "x-rrgen-error"],
            ignored: ["name", "title", "summary", "tags", "externalDocs", "examples"])
        if let contentType = try message.string("contentType"), contentType.value != "application/json" {
            throw RRGenError(
                path: contentType.path,
                message: "only application/json payloads are supported, found '\(contentType.value)'",
                location: contentType.location)
        }
        let payloadNode = try message.requiredNode("payload", expected: "a $ref to a schema in components.schemas")
        guard let reference = try Self.reference(in: payloadNode, path: path.appending("payload")) else {
            throw RRGenError(
                path: path.appending("payload"),
                message:
                    "an inline payload is not supported; move the schema to components.schemas (its key names the Swift type) and refer to it",
                location: payloadNode.location)
        }
        guard case .shape(let shapeName) = try shapeReference(reference, path: path.appending("payload")).value else {
            preconditionFailure()
        }
        var correlationId: Sourced<String>?
        if let correlationNode = message.node("correlationId") {
            let (resolved, correlationPath) = try resolve(correlationNode, path: path.appending("correlationId"))
            let correlation = try AsyncAPIObject(
                resolved, path: correlationPath, what: "a correlation id", supported: ["location", "description"])
            correlationId = try correlation.requiredString(
                "location", expected: "a runtime expression such as \"$message.payload#/clientToken\"")
        }
        return Message(
            payload: Sourced(shapeName, path: reference.path, location: reference.location),
            correlationId: correlationId,
            isError: try message.bool("x-rrgen-error") ?? false)
    }

    /// The messages an operation or reply lists (references into its channel or
    /// `components.messages`), or all of the channel's messages when it lists none.
    func operationMessages(
        _ object: AsyncAPIObject, key: String, channel: Channel?, path: JSONPath
    ) throws(RRGenError) -> [(key: String, node: JSONNode, path: JSONPath)] {
        guard let list = try object.array(key) else {
            return (channel?.messages ?? []).map { ($0.key, $0.node, $0.path) }
        }
        var result: [(key: String, node: JSONNode, path: JSONPath)] = []
        for (index, node) in list.enumerated() {
            let elementPath = path.appending(key).appending(index: index)
            guard let reference = try Self.reference(in: node, path: elementPath) else {
                throw RRGenError(
                    path: elementPath, message: "expected a $ref to a message of the channel", location: node.location)
            }
            let target = try pointerPath(reference)
            if let channel, target.components.count == 4, target.hasPrefix(["channels"]) {
                guard let message = channel.messages.first(where: { $0.referencePath == target }) else {
                    throw RRGenError(
                        path: reference.path,
                        message: "'\(reference.value)' is not a message of channel '\(channel.key)'",
                        location: reference.location)
                }
                result.append((message.key, message.node, message.path))
            } else if target.components.count == 3, target.hasPrefix(["components", "messages"]),
                let messageKey = target.lastKey
            {
                if let channel, !channel.messages.isEmpty {
                    throw RRGenError(
                        path: reference.path,
                        message: "refer to the message through its channel ('#/channels/\(channel.key)/messages/...')",
                        location: reference.location)
                }
                let (resolved, resolvedPath) = try resolve(node, path: elementPath)
                result.append((messageKey, resolved, resolvedPath))
            } else {
                throw RRGenError(
                    path: reference.path, message: "'\(reference.value)' must refer to a message of the channel",
                    location: reference.location)
            }
        }
        return result
    }

    // MARK: Replies

    private struct Reply {
        var responses: [ResponseSchema]
        var usesResponseTopic: Bool
        var channel: ReplyChannel?
    }

    private func readReply(
        _ node: JSONNode, path: JSONPath, requestChannel: Channel, channels: [Channel]
    ) throws(RRGenError) -> Reply {
        let (node, path) = try resolve(node, path: path)
        let reply = try AsyncAPIObject(
            node, path: path, what: "an operation reply", supported: ["address", "channel", "messages"])
        var replyChannel: Channel?
        if let channelNode = reply.node("channel") {
            guard let reference = try Self.reference(in: channelNode, path: path.appending("channel")) else {
                throw RRGenError(
                    path: path.appending("channel"), message: "expected a $ref to a channel (#/channels/Name)",
                    location: channelNode.location)
            }
            let target = try pointerPath(reference)
            guard let channel = channels.first(where: { $0.path == target }) else {
                throw RRGenError(
                    path: reference.path, message: "'\(reference.value)' must refer to a channel in #/channels",
                    location: reference.location)
            }
            replyChannel = channel
        }
        if let addressNode = reply.node("address") {
            let (resolved, addressPath) = try resolve(addressNode, path: path.appending("address"))
            let address = try AsyncAPIObject(
                resolved, path: addressPath, what: "a reply address", supported: ["location", "description"])
            let location = try address.requiredString("location", expected: "\"\(Self.responseTopicLocation)\"")
            guard location.value == Self.responseTopicLocation else {
                throw RRGenError(
                    path: location.path,
                    message:
                        "the only supported reply address is \"\(Self.responseTopicLocation)\" (MQTT 5), found \"\(location.value)\"",
                    location: location.location)
            }
        }
        let messages = try operationMessages(reply, key: "messages", channel: replyChannel, path: path)
        if messages.isEmpty {
            throw RRGenError(path: path, message: "a reply needs at least one message", location: reply.location)
        }
        if reply.has("address") {
            if let address = replyChannel?.address {
                throw RRGenError(
                    path: address.path,
                    message: "a reply addressed by the response topic has a channel without an address",
                    location: address.location)
            }
            var responses: [ResponseSchema] = []
            for message in messages {
                let read = try readMessage(message.node, path: message.path)
                responses.append(
                    ResponseSchema(topic: nil, shape: read.payload, isError: read.isError, path: message.path))
            }
            return Reply(responses: responses, usesResponseTopic: true, channel: nil)
        }
        guard let channel = replyChannel, let address = channel.address else {
            throw RRGenError(
                path: path,
                message:
                    "a reply needs a 'channel' with an address, or 'address' {\"location\": \"\(Self.responseTopicLocation)\"}",
                location: reply.location)
        }
        let outcomes = channel.parameters.filter { parameter in
            parameter.values != nil && !requestChannel.parameters.contains { $0.name == parameter.name }
        }
        guard outcomes.count <= 1 else {
            throw RRGenError(
                path: outcomes[1].path,
                message:
                    "a reply channel has at most one outcome parameter (with 'enum'), found '\(outcomes[0].name)' and '\(outcomes[1].name)'",
                location: outcomes[1].location)
        }
        for parameter in channel.parameters
        where parameter.values == nil && !requestChannel.parameters.contains(where: { $0.name == parameter.name }) {
            throw RRGenError(
                path: parameter.path,
                message:
                    "parameter '\(parameter.name)' is not a parameter of the request channel, nor an outcome with 'enum'",
                location: parameter.location)
        }
        var responses: [ResponseSchema] = []
        var topics: [String] = []
        for message in messages {
            let read = try readMessage(message.node, path: message.path)
            var topic = address.value
            if let outcome = outcomes.first {
                guard let values = outcome.values, values.contains(message.key) else {
                    throw RRGenError(
                        path: message.path,
                        message:
                            "reply message '\(message.key)' must be keyed by an outcome: one of \((outcome.values ?? []).joined(separator: ", ")) (the values of parameter '\(outcome.name)')",
                        location: nil)
                }
                topic = address.value.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0 == "{\(outcome.name)}" ? message.key : String($0) }.joined(separator: "/")
            }
            topics.append(topic)
            responses.append(
                ResponseSchema(
                    topic: Sourced(topic, path: address.path, location: address.location), shape: read.payload,
                    isError: read.isError, path: message.path))
        }
        if let outcome = outcomes.first, let values = outcome.values {
            for value in values where !messages.contains(where: { $0.key == value }) {
                throw RRGenError(
                    path: outcome.path, message: "outcome '\(value)' has no reply message keyed '\(value)'",
                    location: outcome.location)
            }
        }
        return Reply(
            responses: responses, usesResponseTopic: false,
            channel: ReplyChannel(channel: channel, outcome: outcomes.first, topics: topics))
    }

    // MARK: Correlation

    private func correlation(
        of request: Message, replyUsesResponseTopic: Bool, at path: JSONPath
    ) throws(RRGenError) -> Sourced<CorrelationSchema> {
        guard let location = request.correlationId else {
            if replyUsesResponseTopic {
                throw RRGenError(
                    path: path,
                    message:
                        "a reply addressed by the response topic needs the request message's correlationId at \"\(Self.correlationDataLocation)\"",
                    location: nil)
            }
            return Sourced(.none, path: path)
        }
        if location.value == Self.correlationDataLocation {
            guard replyUsesResponseTopic else {
                throw RRGenError(
                    path: location.path,
                    message: "correlation data needs the reply address \"\(Self.responseTopicLocation)\"",
                    location: location.location)
            }
            return Sourced(.correlationData, path: location.path, location: location.location)
        }
        if replyUsesResponseTopic {
            throw RRGenError(
                path: location.path,
                message:
                    "with the response topic as reply address, the correlationId must be \"\(Self.correlationDataLocation)\"",
                location: location.location)
        }
        guard location.value.hasPrefix(Self.payloadLocationPrefix) else {
            throw RRGenError(
                path: location.path,
                message:
                    "unsupported correlationId location \"\(location.value)\"; rrgen reads \"\(Self.payloadLocationPrefix)<member>\" and \"\(Self.correlationDataLocation)\"",
                location: location.location)
        }
        let member = String(location.value.dropFirst(Self.payloadLocationPrefix.count))
        guard !member.isEmpty, !member.contains("/") else {
            throw RRGenError(
                path: location.path,
                message: "the correlation token must be a top-level payload member, found \"\(location.value)\"",
                location: location.location)
        }
        // The validator names problems with the token at `<path>.member`: `correlationId.member`.
        return Sourced(.token(member: member), path: location.path.droppingLast(), location: location.location)
    }

    // MARK: Topic members

    /// Records that `shape`'s first members are `channel`'s parameters (strings filling the
    /// topic), to be added when all operations are read.
    mutating func recordTopicMembers(of shape: Sourced<String>, from channel: Channel) throws(RRGenError) {
        let members = channel.parameters.map { parameter in
            MemberSchema(
                name: Sourced(parameter.name, path: parameter.path, location: parameter.location), swiftName: nil,
                type: Sourced(.primitive(.string), path: parameter.path, location: parameter.location),
                isRequired: true,
                isNullable: false, documentation: parameter.description)
        }
        if let existing = topicMembers[shape.value] {
            guard existing.members.map(\.name.value) == members.map(\.name.value) else {
                throw RRGenError(
                    path: channel.path.appending("parameters"),
                    message:
                        "\(shape.value) is also used with the parameters of \(existing.owner) (\(existing.members.map(\.name.value).joined(separator: ", "))); a request structure's topic members must be the same everywhere",
                    location: nil)
            }
            return
        }
        topicMembers[shape.value] = (members, channel.path)
    }

    /// Puts the recorded parameters first in their request shapes (unless the schema already
    /// has a property of that name, which then stays where it is).
    mutating func applyTopicMembers() throws(RRGenError) {
        for index in shapes.indices {
            guard let recorded = topicMembers[shapes[index].name.value],
                case .structure(let members) = shapes[index].kind
            else { continue }
            let added = recorded.members.filter { parameter in
                !members.contains { $0.name.value == parameter.name.value }
            }
            shapes[index].kind = .structure(added + members)
        }
    }
}
