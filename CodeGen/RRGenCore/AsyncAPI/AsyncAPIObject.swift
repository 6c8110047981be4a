/// An object of an AsyncAPI document is read with the same ``JSONObjectReader`` as the native
/// schema; only the key check differs: unsupported keys and unknown `x-rrgen-*` extensions are
/// refused, documentation-only keys and other extensions are ignored.
typealias AsyncAPIObject = JSONObjectReader

extension JSONObjectReader {
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
        try self.init(object: node, path: path, what: what)
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

}
