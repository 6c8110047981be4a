/// A topic placeholder value that cannot be used: generated clients reject it before anything
/// is sent, rather than publishing to (or subscribing on) a different topic than intended.
public struct TopicPlaceholderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the value cannot be used.
    ///
    /// A struct wrapping an internal enum, so reasons can be added without breaking users;
    /// compare against the static members (`error.reason == .empty`).
    public struct Reason: Sendable, Hashable {
        enum Wrapped: Sendable, Hashable {
            case missing, empty
            case forbiddenCharacter(Character)
        }

        let wrapped: Wrapped

        /// No value was given.
        public static let missing = Reason(wrapped: .missing)
        /// The value is empty (it would produce an empty topic level).
        public static let empty = Reason(wrapped: .empty)
        /// The value contains `/` (more levels), `+` or `#` (wildcards) or NUL (invalid).
        public static func forbiddenCharacter(_ character: Character) -> Reason {
            Reason(wrapped: .forbiddenCharacter(character))
        }

        /// The forbidden character, for ``forbiddenCharacter(_:)``.
        public var forbiddenCharacter: Character? {
            if case .forbiddenCharacter(let character) = wrapped { return character }
            return nil
        }
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
        switch reason.wrapped {
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
