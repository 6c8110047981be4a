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

    /// What ``render(_:)`` appends: the literal text between placeholders (separators included)
    /// joined once here, so rendering allocates only its result.
    enum Piece: Sendable, Hashable {
        case text(String)
        case placeholder(String)
    }

    /// The template as written.
    public let text: String
    let levels: [Level]
    let pieces: [Piece]

    /// Parses a template: a level written `{name}` is a placeholder, every other level is literal
    /// (wildcard levels of a filter stay as they are).
    public init(_ text: String) {
        self.text = text
        let levels: [Level] = text.split(separator: "/", omittingEmptySubsequences: false).map { level in
            if level.count > 2, level.first == "{", level.last == "}" {
                return .placeholder(String(level.dropFirst().dropLast()))
            }
            return .literal(String(level))
        }
        self.levels = levels
        var pieces: [Piece] = []
        var literal = ""
        for (index, level) in levels.enumerated() {
            if index > 0 { literal += "/" }
            switch level {
            case .literal(let text):
                literal += text
            case .placeholder(let name):
                if !literal.isEmpty { pieces.append(.text(literal)) }
                literal = ""
                pieces.append(.placeholder(name))
            }
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.pieces = pieces
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
        var topic = ""
        topic.reserveCapacity(text.utf8.count + 32)
        for piece in pieces {
            switch piece {
            case .text(let literal):
                topic += literal
            case .placeholder(let name):
                guard let value = values[name] else {
                    throw TopicPlaceholderError(placeholder: name, value: nil, template: text, reason: .missing)
                }
                try Self.validate(value, placeholder: name, template: text)
                topic += value
            }
        }
        return topic
    }

    /// Checks that `value` can fill a placeholder level.
    public static func validate(_ value: String, placeholder: String, template: String) throws(TopicPlaceholderError) {
        if value.isEmpty {
            throw TopicPlaceholderError(placeholder: placeholder, value: value, template: template, reason: .empty)
        }
        // The forbidden characters are ASCII, and no byte of a multi-byte UTF-8 sequence is.
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: "#"), 0:
                throw TopicPlaceholderError(
                    placeholder: placeholder, value: value, template: template,
                    reason: .forbiddenCharacter(Character(Unicode.Scalar(byte))))
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
    ///
    /// Levels are split at every `/` byte, as MQTT defines them, walking the topic once without
    /// building an array of its levels.
    public func match(_ topic: String) -> [String: String]? {
        guard !levels.isEmpty else { return nil }
        let utf8 = topic.utf8
        var start = utf8.startIndex
        var values: [String: String] = [:]
        for (offset, level) in levels.enumerated() {
            let separator = utf8[start...].firstIndex(of: UInt8(ascii: "/"))
            let topicLevel = topic[start..<(separator ?? utf8.endIndex)]
            if offset == levels.count - 1 {
                guard separator == nil else { return nil }  // the topic has more levels
            } else {
                guard let separator else { return nil }  // the topic has fewer levels
                start = utf8.index(after: separator)
            }
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
