/// A topic placeholder value that cannot be used: generated clients reject it before anything
/// is sent, rather than publishing to (or subscribing on) a different topic than intended.
public struct TopicPlaceholderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the value cannot be used.
    public enum Reason: Sendable, Hashable {
        /// No value was given.
        case missing
        /// The value is empty (it would produce an empty topic level).
        case empty
        /// The value contains `/` (more levels), `+` or `#` (wildcards) or NUL (invalid).
        case forbiddenCharacter(Character)
    }

    /// The placeholder name.
    public var placeholder: String
    /// The offending value (`nil` when missing).
    public var value: String?
    /// The topic template being filled.
    public var template: String
    /// Why the value cannot be used.
    public var reason: Reason

    /// Creates an error.
    public init(placeholder: String, value: String?, template: String, reason: Reason) {
        self.placeholder = placeholder
        self.value = value
        self.template = template
        self.reason = reason
    }

    /// A sentence naming the placeholder, the value and the problem.
    public var description: String {
        switch reason {
        case .missing:
            return "no value for placeholder {\(placeholder)} of topic '\(template)'"
        case .empty:
            return "placeholder {\(placeholder)} of topic '\(template)' cannot be empty"
        case .forbiddenCharacter(let character):
            let what: String
            switch character {
            case "/": what = "'/', which would add topic levels"
            case "+", "#": what = "'\(character)', an MQTT wildcard"
            default: what = "the NUL character"
            }
            return "placeholder {\(placeholder)} of topic '\(template)' cannot contain \(what): '\(value ?? "")'"
        }
    }
}
