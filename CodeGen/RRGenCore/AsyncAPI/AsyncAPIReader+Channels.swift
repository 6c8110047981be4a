/// Channels: addresses with `{parameter}` levels, their parameters and messages, and the
/// subscription filters derived for reply channels.
extension AsyncAPIReader {
    /// One channel of the document.
    struct Channel {
        /// The channel's key in `channels`.
        var key: String
        var path: JSONPath
        /// The address; `nil` when the channel has none (a reply addressed by `responseTopic`).
        var address: Sourced<String>?
        /// Parameters in declaration order.
        var parameters: [Parameter]
        /// Messages by key, in declaration order (paths of the message objects, references followed).
        var messages: [(key: String, node: JSONNode, path: JSONPath, referencePath: JSONPath)]
    }

    /// A channel parameter.
    struct Parameter {
        var name: String
        var path: JSONPath
        var location: SourceLocation
        var description: String?
        var values: [String]?
    }

    /// A reply channel with an outcome parameter (AWS's `…/get/{outcome}`), or a fixed address.
    struct ReplyChannel {
        var channel: Channel
        /// The parameter whose values name the response topics' last level, if any.
        var outcome: Parameter?
        /// The response topics, one per reply message, in message order.
        var topics: [String]
    }

    func readChannels(_ document: AsyncAPIObject) throws(RRGenError) -> [Channel] {
        var channels: [Channel] = []
        for member in try document.object("channels") ?? [] {
            channels.append(
                try readChannel(
                    member.value, path: JSONPath.root.appending("channels").appending(member.key), key: member.key))
        }
        return channels
    }

    func readChannel(_ node: JSONNode, path: JSONPath, key: String) throws(RRGenError) -> Channel {
        let (node, path) = try resolve(node, path: path)
        let channel = try AsyncAPIObject(
            node, path: path, what: "a channel", supported: ["address", "messages", "parameters", "description"],
            ignored: ["title", "summary", "tags", "externalDocs", "servers"])
        var address: Sourced<String>?
        if let addressNode = channel.node("address"), addressNode.value != .null {
            address = try channel.string("address")
        }
        var parameters: [Parameter] = []
        for member in try channel.object("parameters") ?? [] {
            let (parameterNode, parameterPath) = try resolve(
                member.value, path: path.appending("parameters").appending(member.key))
            let parameter = try AsyncAPIObject(
                parameterNode, path: parameterPath, what: "a parameter",
                supported: ["description", "enum", "location"], ignored: ["default", "examples"])
            if parameter.has("location") {
                throw RRGenError(
                    path: parameterPath.appending("location"),
                    message: "parameters read from the message ('location') are not supported",
                    location: parameter.keyLocation("location"))
            }
            var values: [String]?
            if let valueNodes = try parameter.array("enum") {
                values = []
                for (index, valueNode) in valueNodes.enumerated() {
                    guard case .string(let value) = valueNode.value else {
                        throw RRGenError(
                            path: parameterPath.appending("enum").appending(index: index),
                            message: "expected a string, found \(valueNode.kindDescription)",
                            location: valueNode.location)
                    }
                    values?.append(value)
                }
            }
            parameters.append(
                Parameter(
                    name: member.key, path: parameterPath, location: member.keyLocation,
                    description: try parameter.string("description")?.value, values: values))
        }
        if let address {
            let placeholders = Self.placeholders(in: address.value)
            for name in placeholders where !parameters.contains(where: { $0.name == name }) {
                throw RRGenError(
                    path: address.path, message: "the address uses {\(name)}, which is not in the channel's parameters",
                    location: address.location)
            }
            for parameter in parameters where !placeholders.contains(parameter.name) {
                throw RRGenError(
                    path: parameter.path,
                    message: "parameter '\(parameter.name)' does not appear in the address '\(address.value)'",
                    location: parameter.location)
            }
        } else if let parameter = parameters.first {
            throw RRGenError(
                path: parameter.path, message: "a channel without an address has no parameters",
                location: parameter.location)
        }
        var messages: [(key: String, node: JSONNode, path: JSONPath, referencePath: JSONPath)] = []
        for member in try channel.object("messages") ?? [] {
            let referencePath = path.appending("messages").appending(member.key)
            let (messageNode, messagePath) = try resolve(member.value, path: referencePath)
            messages.append((member.key, messageNode, messagePath, referencePath))
        }
        return Channel(key: key, path: path, address: address, parameters: parameters, messages: messages)
    }

    /// The `{name}` levels of an address, in order.
    static func placeholders(in address: String) -> [String] {
        address.split(separator: "/", omittingEmptySubsequences: false).compactMap { level in
            level.hasPrefix("{") && level.hasSuffix("}") && level.count > 2 ? String(level.dropFirst().dropLast()) : nil
        }
    }

    /// The filters a reply channel's operation subscribes to without `x-rrgen-subscriptions`:
    /// the address with the outcome level as `+`, unless that filter would also match another
    /// channel of the document (AWS's `update/+` beside `update/delta`); then the response
    /// topics themselves. A reply without an outcome parameter subscribes to its address.
    static func derivedSubscriptions(for reply: ReplyChannel, among channels: [Channel]) -> [String] {
        derivedSubscriptions(
            responseTopics: reply.topics, outcome: reply.outcome?.name, replyAddress: reply.channel.address?.value,
            otherAddresses: channels.filter { $0.key != reply.channel.key }.compactMap(\.address?.value))
    }

    /// The derivation on plain strings, shared with the exporter.
    static func derivedSubscriptions(
        responseTopics: [String], outcome: String?, replyAddress: String?, otherAddresses: [String]
    ) -> [String] {
        guard let outcome, let replyAddress else { return unique(responseTopics) }
        let filterText = replyAddress.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0 == "{\(outcome)}" ? "+" : String($0) }.joined(separator: "/")
        guard case .success(let filter) = SchemaTopicTemplate.parse(filterText, allowWildcards: true) else {
            return unique(responseTopics)
        }
        for address in otherAddresses {
            guard case .success(let other) = SchemaTopicTemplate.parse(address, allowWildcards: true) else { continue }
            if !other.hasWildcards && filter.matches(other) { return unique(responseTopics) }
        }
        return [filterText]
    }

    private static func unique(_ topics: [String]) -> [String] {
        var seen: Set<String> = []
        return topics.filter { seen.insert($0).inserted }
    }
}
