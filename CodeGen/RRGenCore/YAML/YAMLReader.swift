internal import Yams

/// Reads YAML into the same ``JSONNode`` tree the JSON parser builds,
/// keeping mapping order and source locations, so YAML schemas get the same diagnostics.
///
/// Only the JSON subset of YAML is accepted: mapping keys are read as strings (`on:` is the key
/// "on"), scalars follow YAML 1.2's core schema (only `true`/`false` are booleans, so
/// `enum: [yes, no]` holds strings), aliases read as copies of their anchors, and custom tags
/// are errors.
public enum YAMLReader {
    /// Parses a YAML document.
    ///
    /// - Parameter text: The document.
    /// - Returns: The root value.
    /// - Throws: ``RRGenError`` naming where the text is not usable YAML.
    public static func parse(_ text: String) throws(RRGenError) -> JSONNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, resolver)
        } catch let error as YamlError {
            throw RRGenError(path: .root, message: "invalid YAML: \(describe(error))", location: location(of: error))
        } catch {
            throw RRGenError(path: .root, message: "invalid YAML: \(error)")
        }
        guard let root else {
            throw RRGenError(
                path: .root, message: "the YAML document is empty", location: SourceLocation(line: 1, column: 1))
        }
        return try convert(root, path: .root, depth: 0)
    }

    /// YAML 1.2 core schema booleans and nulls instead of YAML 1.1's `yes`, `no`, `on`, `off`.
    private static let resolver: Resolver = {
        // The patterns are constants; they compile.
        // swiftlint:disable:next force_try
        try! Resolver.default
            .replacing(.bool, with: "^(?:true|True|TRUE|false|False|FALSE)$")
            .replacing(.null, with: "^(?:~|null|Null|NULL|)$")
    }()

    private static func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(line: 1, column: 1) }
        return SourceLocation(line: mark.line, column: mark.column)
    }

    private static func location(of error: YamlError) -> SourceLocation? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            SourceLocation(line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(_, let context):
            SourceLocation(line: context.mark.line, column: context.mark.column)
        default:
            nil
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            if let context { "\(problem) (\(context.text))" } else { problem }
        case .duplicatedKeysInMapping(let duplicates, _):
            "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))"
        default:
            "\(error)"
        }
    }

    private static func convert(_ node: Node, path: JSONPath, depth: Int) throws(RRGenError) -> JSONNode {
        let here = location(of: node)
        guard depth < JSONParser.maximumDepth else {
            throw RRGenError(
                path: path, message: "nesting deeper than \(JSONParser.maximumDepth) levels", location: here)
        }
        switch node {
        case .alias:
            // The composer substitutes aliases; an unresolved one is an error.
            throw RRGenError(path: path, message: "unresolved YAML alias", location: here)
        case .scalar(let scalar):
            return JSONNode(try scalarValue(scalar, tag: tagName(node), path: path, location: here), at: here)
        case .sequence(let sequence):
            var elements: [JSONNode] = []
            for (index, element) in sequence.enumerated() {
                elements.append(try convert(element, path: path.appending(index: index), depth: depth + 1))
            }
            return JSONNode(.array(elements), at: here)
        case .mapping(let mapping):
            var members: [JSONMember] = []
            var seen: Set<String> = []
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let key) = keyNode else {
                    throw RRGenError(
                        path: path, message: "mapping keys must be strings", location: location(of: keyNode))
                }
                guard seen.insert(key.string).inserted else {
                    throw RRGenError(
                        path: path, message: "duplicate key '\(key.string)'", location: location(of: keyNode))
                }
                let value = try convert(valueNode, path: path.appending(key.string), depth: depth + 1)
                members.append(JSONMember(key: key.string, keyLocation: location(of: keyNode), value: value))
            }
            return JSONNode(.object(members), at: here)
        }
    }

    /// The resolved tag: explicit, or from the plain scalar's text (quoted scalars are strings).
    private static func tagName(_ node: Node) -> Tag.Name {
        resolver.resolveTag(of: node)
    }

    private static func scalarValue(
        _ scalar: Node.Scalar, tag: Tag.Name, path: JSONPath, location: SourceLocation
    ) throws(RRGenError) -> JSONNode.Value {
        switch tag {
        case .str, .nonSpecific, .timestamp: return .string(scalar.string)
        case .null: return .null
        case .bool:
            guard let value = Bool.construct(from: scalar) else { return .string(scalar.string) }
            return .bool(value)
        case .int:
            guard let value = Int.construct(from: scalar) else {
                throw RRGenError(path: path, message: "integer '\(scalar.string)' is out of range", location: location)
            }
            return .number(String(value))
        case .float:
            guard let value = Double.construct(from: scalar), value.isFinite else {
                throw RRGenError(path: path, message: "'\(scalar.string)' is not a finite number", location: location)
            }
            return .number(scalar.string)
        default:
            throw RRGenError(
                path: path, message: "unsupported YAML tag '\(tag.rawValue)'; only JSON values are allowed",
                location: location)
        }
    }
}
