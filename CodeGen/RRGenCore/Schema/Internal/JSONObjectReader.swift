/// Reads the members of one JSON object, checking types and rejecting unknown keys.
struct JSONObjectReader {
    let members: [JSONMember]
    let path: JSONPath
    let location: SourceLocation

    /// Wraps `node`, which must be an object; the caller checks its keys.
    init(object node: JSONNode, path: JSONPath, what: String) throws(RRGenError) {
        guard case .object(let members) = node.value else {
            throw RRGenError(
                path: path, message: "expected \(what) (an object), found \(node.kindDescription)",
                location: node.location)
        }
        self.members = members
        self.path = path
        self.location = node.location
    }

    /// Wraps `node`, which must be an object, and rejects keys outside `allowedKeys`.
    init(_ node: JSONNode, path: JSONPath, what: String, allowedKeys: [String]) throws(RRGenError) {
        try self.init(object: node, path: path, what: what)
        for member in members where !allowedKeys.contains(member.key) {
            let expected = allowedKeys.map { "'\($0)'" }.joined(separator: ", ")
            throw RRGenError(
                path: path.appending(member.key), message: "unknown key '\(member.key)'; expected one of \(expected)",
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
