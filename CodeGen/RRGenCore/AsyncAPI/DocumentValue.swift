internal import Yams

/// An ordered JSON value built by the AsyncAPI exporter and written as JSON or YAML.
indirect enum DocumentValue: Sendable, Hashable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([DocumentValue])
    case object([Member])

    /// One object member.
    struct Member: Sendable, Hashable {
        var key: String
        var value: DocumentValue
    }

    /// An object from key-value pairs, leaving out `nil` values.
    static func object(_ pairs: KeyValuePairs<String, DocumentValue?>) -> DocumentValue {
        .object(pairs.compactMap { pair in pair.value.map { Member(key: pair.key, value: $0) } })
    }

    /// `{"$ref": pointer}`.
    static func reference(_ pointer: String) -> DocumentValue {
        .object([Member(key: "$ref", value: .string(pointer))])
    }

    /// Pretty JSON, two-space indented, members in order, ending with a newline.
    var json: String {
        var text = ""
        writeJSON(into: &text, indent: "")
        return text + "\n"
    }

    private func writeJSON(into text: inout String, indent: String) {
        switch self {
        case .string(let value): text += Self.quoted(value)
        case .number(let value): text += value
        case .bool(let value): text += value ? "true" : "false"
        case .null: text += "null"
        case .array(let elements):
            if elements.isEmpty { text += "[]"; return }
            text += "[\n"
            for (index, element) in elements.enumerated() {
                text += indent + "  "
                element.writeJSON(into: &text, indent: indent + "  ")
                text += index == elements.count - 1 ? "\n" : ",\n"
            }
            text += indent + "]"
        case .object(let members):
            if members.isEmpty { text += "{}"; return }
            text += "{\n"
            for (index, member) in members.enumerated() {
                text += indent + "  " + Self.quoted(member.key) + ": "
                member.value.writeJSON(into: &text, indent: indent + "  ")
                text += index == members.count - 1 ? "\n" : ",\n"
            }
            text += indent + "}"
        }
    }

    static func quoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// YAML (block style, keys in order), ending with a newline.
    func yaml() throws -> String {
        try Yams.serialize(node: yamlNode, indent: 2, width: -1, allowUnicode: true)
    }

    private var yamlNode: Node {
        switch self {
        case .string(let value):
            // Quote strings a plain scalar would read back as another type ("1.0", "true", "null").
            let plain = Node.Scalar(value)
            let resolved = Resolver.default.resolveTag(of: Node.scalar(plain))
            let style: Node.Scalar.Style = value.contains("\n") ? .literal : (resolved == .str ? .any : .doubleQuoted)
            return .scalar(Node.Scalar(value, Tag(.str), style))
        case .number(let value): return .scalar(Node.Scalar(value, Tag(.implicit), .plain))
        case .bool(let value): return .scalar(Node.Scalar(value ? "true" : "false", Tag(.implicit), .plain))
        case .null: return .scalar(Node.Scalar("null", Tag(.implicit), .plain))
        case .array(let elements): return .sequence(Node.Sequence(elements.map(\.yamlNode)))
        case .object(let members):
            return .mapping(Node.Mapping(members.map { (Node($0.key, Tag(.str)), $0.value.yamlNode) }))
        }
    }
}
