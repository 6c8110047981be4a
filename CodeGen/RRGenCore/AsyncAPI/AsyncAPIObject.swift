/// Reads one object of an AsyncAPI document: checks value types, rejects unsupported keys and
/// unknown `x-rrgen-*` extensions, and ignores documentation-only keys and other extensions.
struct AsyncAPIObject {
    let members: [JSONMember]
    let path: JSONPath
    let location: SourceLocation

    /// The `x-rrgen-*` extensions rrgen understands, anywhere in a document.
    static let knownExtensions: Set<String> = [
        "x-rrgen-name", "x-rrgen-error", "x-rrgen-timeout", "x-rrgen-timestamp", "x-rrgen-subscriptions",
        "x-rrgen-request",
        "x-rrgen-swiftName", "x-rrgen-nullable", "x-rrgen-enumDescriptions", "x-rrgen-enumSwiftNames",
    ]

    /// Wraps `node`, which must be an object.
    ///
    /// - Parameters:
    ///   - supported: Keys rrgen reads.
    ///   - ignored: Keys that only document (summary, tags, examples, ...): accepted and not read.
    init(_ node: JSONNode, path: JSONPath, what: String, supported: [String], ignored: [String] = []) throws(RRGenError)
    {
        guard case .object(let members) = node.value else {
            throw RRGenError(
                path: path, message: "expected \(what) (an object), found \(node.kindDescription)",
                location: node.location)
        }
        self.members = members
        self.path = path
        self.location = node.location
        for member in members {
            let key = member.key
            if key.hasPrefix("x-rrgen-") {
                if Self.knownExtensions.contains(key) && supported.contains(key) { continue }
                let hint =
                    Self.knownExtensions.contains(key) ? "it does not apply to \(what)" : "unknown rrgen extension"
                throw RRGenError(path: path.appending(key), message: "'\(key)': \(hint)", location: member.keyLocation)
            }
            if key.hasPrefix("x-") || supported.contains(key) || ignored.contains(key) { continue }
            let expected = supported.filter { !$0.hasPrefix("x-") }.map { "'\($0)'" }.joined(separator: ", ")
            throw RRGenError(
                path: path.appending(key),
                message:
                    "'\(key)' is not supported in \(what) (rrgen reads \(expected.isEmpty ? "nothing else" : expected))",
                location: member.keyLocation)
        }
    }

    func node(_ key: String) -> JSONNode? {
        members.first { $0.key == key }?.value
    }

    func keyLocation(_ key: String) -> SourceLocation? {
        members.first { $0.key == key }?.keyLocation
    }

    func has(_ key: String) -> Bool { node(key) != nil }

    func requiredNode(_ key: String, expected: String) throws(RRGenError) -> JSONNode {
        guard let node = node(key) else {
            throw RRGenError(path: path, message: "missing required key '\(key)' (\(expected))", location: location)
        }
        return node
    }

    func string(_ key: String) throws(RRGenError) -> Sourced<String>? {
        guard let node = node(key) else { return nil }
        guard case .string(let value) = node.value else {
            throw RRGenError(
                path: path.appending(key), message: "expected a string, found \(node.kindDescription)",
                location: node.location)
        }
        return Sourced(value, path: path.appending(key), location: node.location)
    }

    func requiredString(_ key: String, expected: String) throws(RRGenError) -> Sourced<String> {
        _ = try requiredNode(key, expected: expected)
        guard let value = try string(key) else { preconditionFailure("checked above") }
        return value
    }

    func bool(_ key: String) throws(RRGenError) -> Bool? {
        guard let node = node(key) else { return nil }
        guard case .bool(let value) = node.value else {
            throw RRGenError(
                path: path.appending(key), message: "expected true or false, found \(node.kindDescription)",
                location: node.location)
        }
        return value
    }

    func number(_ key: String) throws(RRGenError) -> Sourced<Double>? {
        guard let node = node(key) else { return nil }
        guard case .number(let text) = node.value, let value = Double(text) else {
            throw RRGenError(
                path: path.appending(key), message: "expected a number, found \(node.kindDescription)",
                location: node.location)
        }
        return Sourced(value, path: path.appending(key), location: node.location)
    }

    func object(_ key: String) throws(RRGenError) -> [JSONMember]? {
        guard let node = node(key) else { return nil }
        guard case .object(let members) = node.value else {
            throw RRGenError(
                path: path.appending(key), message: "expected an object, found \(node.kindDescription)",
                location: node.location)
        }
        return members
    }

    func array(_ key: String) throws(RRGenError) -> [JSONNode]? {
        guard let node = node(key) else { return nil }
        guard case .array(let elements) = node.value else {
            throw RRGenError(
                path: path.appending(key), message: "expected an array, found \(node.kindDescription)",
                location: node.location)
        }
        return elements
    }

    /// A map of strings (`x-rrgen-enumDescriptions`).
    func stringMap(_ key: String) throws(RRGenError) -> [String: String] {
        var result: [String: String] = [:]
        for member in try object(key) ?? [] {
            guard case .string(let value) = member.value.value else {
                throw RRGenError(
                    path: path.appending(key).appending(member.key),
                    message: "expected a string, found \(member.value.kindDescription)", location: member.value.location
                )
            }
            result[member.key] = value
        }
        return result
    }
}
