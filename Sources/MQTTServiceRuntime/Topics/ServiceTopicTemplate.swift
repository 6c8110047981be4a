/// A topic or topic filter with `{placeholder}` levels, as generated descriptors carry them.
///
/// ```swift
/// let template = ServiceTopicTemplate("$aws/things/{thingName}/shadow/get")
/// try template.render(["thingName": "dev-1"])         // "$aws/things/dev-1/shadow/get"
/// template.subscriptionFilter                         // "$aws/things/+/shadow/get"
/// template.match("$aws/things/dev-1/shadow/get")      // ["thingName": "dev-1"]
/// ```
public struct ServiceTopicTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Level: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    /// The template as written.
    public let text: String
    let levels: [Level]

    /// Parses a template: a level written `{name}` is a placeholder, every other level is literal
    /// (wildcard levels of a filter stay as they are).
    public init(_ text: String) {
        self.text = text
        self.levels = text.split(separator: "/", omittingEmptySubsequences: false).map { level in
            if level.count > 2, level.first == "{", level.last == "}" {
                return .placeholder(String(level.dropFirst().dropLast()))
            }
            return .literal(String(level))
        }
    }

    /// The template as written.
    public var description: String { text }

    /// The placeholder names in order of appearance.
    public var placeholders: [String] {
        levels.compactMap { level in
            if case .placeholder(let name) = level { return name }
            return nil
        }
    }

    /// Fills the placeholders.
    ///
    /// - Parameter values: A value for every placeholder.
    /// - Returns: The topic.
    /// - Throws: ``TopicPlaceholderError`` when a value is missing, empty, or contains `/`, `+`,
    ///   `#` or NUL (any of which would change the topic's shape or make it invalid).
    public func render(_ values: [String: String]) throws(TopicPlaceholderError) -> String {
        var parts: [String] = []
        parts.reserveCapacity(levels.count)
        for level in levels {
            switch level {
            case .literal(let text):
                parts.append(text)
            case .placeholder(let name):
                guard let value = values[name] else {
                    throw TopicPlaceholderError(placeholder: name, value: nil, template: text, reason: .missing)
                }
                try Self.validate(value, placeholder: name, template: text)
                parts.append(value)
            }
        }
        return parts.joined(separator: "/")
    }

    /// Checks that `value` can fill a placeholder level.
    public static func validate(_ value: String, placeholder: String, template: String) throws(TopicPlaceholderError) {
        if value.isEmpty {
            throw TopicPlaceholderError(placeholder: placeholder, value: value, template: template, reason: .empty)
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "/", "+", "#", "\u{0}":
                throw TopicPlaceholderError(
                    placeholder: placeholder, value: value, template: template,
                    reason: .forbiddenCharacter(Character(scalar)))
            default:
                continue
            }
        }
    }

    /// The filter a service subscribes to: every placeholder replaced by `+`.
    public var subscriptionFilter: String {
        levels.map { level in
            switch level {
            case .literal(let text): text
            case .placeholder: "+"
            }
        }.joined(separator: "/")
    }

    /// The placeholder values of `topic`, or `nil` when it does not have the template's shape.
    public func match(_ topic: String) -> [String: String]? {
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard topicLevels.count == levels.count else { return nil }
        var values: [String: String] = [:]
        for (level, topicLevel) in zip(levels, topicLevels) {
            switch level {
            case .literal(let text):
                guard text == topicLevel else { return nil }
            case .placeholder(let name):
                guard !topicLevel.isEmpty else { return nil }
                if let existing = values[name], existing != topicLevel { return nil }
                values[name] = String(topicLevel)
            }
        }
        return values
    }
}
