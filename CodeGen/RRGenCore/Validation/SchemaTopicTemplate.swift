/// An MQTT topic or topic filter with `{placeholder}` levels, as written in a schema.
///
/// Placeholders must span a whole level (`$aws/things/{thingName}/shadow`), which lets a service
/// subscribe with `+` in their place and read the values back from the request topic.
public struct SchemaTopicTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One level of a topic.
    public enum Level: Sendable, Hashable {
        /// Fixed text.
        case literal(String)
        /// A value taken from a request member.
        case placeholder(String)
        /// `+`.
        case singleLevelWildcard
        /// `#`.
        case multiLevelWildcard
    }

    /// The text as written.
    public var text: String
    /// The levels, split on `/`.
    public var levels: [Level]

    /// The placeholder names in order of first appearance.
    public var placeholders: [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for case .placeholder(let name) in levels where seen.insert(name).inserted {
            names.append(name)
        }
        return names
    }

    /// Whether the template contains `+` or `#`.
    public var hasWildcards: Bool {
        levels.contains { $0 == .singleLevelWildcard || $0 == .multiLevelWildcard }
    }

    /// The text as written.
    public var description: String { text }

    /// Parses a topic (`allowWildcards` false) or a topic filter.
    ///
    /// - Returns: The template, or a message saying what is wrong.
    public static func parse(
        _ text: String, allowWildcards: Bool
    ) -> Result<SchemaTopicTemplate, SchemaTopicTemplateError> {
        if text.isEmpty {
            return .failure(SchemaTopicTemplateError(message: "a topic cannot be empty"))
        }
        if text.utf8.contains(0) {
            return .failure(SchemaTopicTemplateError(message: "a topic cannot contain the NUL character"))
        }
        let rawLevels = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var levels: [Level] = []
        for (index, raw) in rawLevels.enumerated() {
            if raw == "+" || raw == "#" {
                guard allowWildcards else {
                    return .failure(
                        SchemaTopicTemplateError(message: "wildcards ('+', '#') are not allowed in a topic name"))
                }
                if raw == "#" && index != rawLevels.count - 1 {
                    return .failure(SchemaTopicTemplateError(message: "'#' must be the last level of a topic filter"))
                }
                levels.append(raw == "+" ? .singleLevelWildcard : .multiLevelWildcard)
                continue
            }
            if raw.contains("+") || raw.contains("#") {
                let what =
                    allowWildcards
                    ? "a wildcard must occupy a whole level" : "wildcards ('+', '#') are not allowed in a topic name"
                return .failure(SchemaTopicTemplateError(message: "\(what), found '\(raw)'"))
            }
            if raw.hasPrefix("{") && raw.hasSuffix("}") && raw.count > 2 {
                let name = String(raw.dropFirst().dropLast())
                guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    return .failure(
                        SchemaTopicTemplateError(
                            message:
                                "invalid placeholder '\(raw)'; a placeholder is {name} with letters, digits and '_'"))
                }
                levels.append(.placeholder(name))
                continue
            }
            if raw.contains("{") || raw.contains("}") {
                return .failure(
                    SchemaTopicTemplateError(message: "a placeholder must be a whole topic level, found '\(raw)'"))
            }
            levels.append(.literal(raw))
        }
        return .success(SchemaTopicTemplate(text: text, levels: levels))
    }

    /// Whether this filter matches `topic` by MQTT rules, treating a placeholder as a literal
    /// that only the same placeholder (or a wildcard) matches.
    ///
    /// A filter starting with a wildcard does not match a topic starting with `$`.
    public func matches(_ topic: SchemaTopicTemplate) -> Bool {
        if case .literal(let first)? = topic.levels.first, first.hasPrefix("$") {
            if let filterFirst = levels.first, filterFirst == .singleLevelWildcard || filterFirst == .multiLevelWildcard
            {
                return false
            }
        }
        var index = 0
        while index < levels.count {
            let filterLevel = levels[index]
            if filterLevel == .multiLevelWildcard { return true }
            guard index < topic.levels.count else { return false }
            let topicLevel = topic.levels[index]
            switch filterLevel {
            case .singleLevelWildcard:
                if topicLevel == .multiLevelWildcard { return false }
            case .literal, .placeholder:
                if filterLevel != topicLevel { return false }
            case .multiLevelWildcard:
                return true
            }
            index += 1
        }
        return index == topic.levels.count
    }

    /// The filter a service subscribes to: every placeholder replaced by `+`.
    public var serviceFilter: String {
        levels.map { level in
            switch level {
            case .literal(let text): text
            case .placeholder: "+"
            case .singleLevelWildcard: "+"
            case .multiLevelWildcard: "#"
            }
        }.joined(separator: "/")
    }
}

/// Why a topic in a schema is invalid.
public struct SchemaTopicTemplateError: Error, Sendable, Hashable {
    /// What is wrong.
    public var message: String
}
