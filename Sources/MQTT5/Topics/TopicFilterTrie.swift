/// A routing table from topic filters to values, matched by topic name in time proportional
/// to the number of levels rather than to the number of filters.
///
/// Several values may share one filter. Used to route incoming publishes to subscriptions
/// and, by the test broker, to sessions.
///
/// Matching (``forEachMatch(of:_:)``, ``matches(_:)``) is inlinable, so a client module gets a
/// copy specialized for its `Value`: unspecialized, every level visited looked up the generic
/// metadata of its node and dictionary (2-3% of a service's CPU per request).
public struct TopicFilterTrie<Value>: Sendable where Value: Hashable & Sendable {
    @usableFromInline
    final class Node: @unchecked Sendable {
        @usableFromInline var children: [Substring: Node] = [:]
        @usableFromInline var plus: Node?
        @usableFromInline var values: Set<Value> = []
        @usableFromInline var hashValues: Set<Value> = []

        @usableFromInline init() {}

        var isEmpty: Bool { children.isEmpty && plus == nil && values.isEmpty && hashValues.isEmpty }

        func copy() -> Node {
            let node = Node()
            node.children = children.mapValues { $0.copy() }
            node.plus = plus?.copy()
            node.values = values
            node.hashValues = hashValues
            return node
        }
    }

    @usableFromInline var root = Node()
    /// The number of (filter, value) entries.
    public private(set) var count = 0

    /// Creates an empty trie.
    public init() {}

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
    }

    /// Adds `value` under `filter` (a valid, non-shared filter). Returns `false` if it was already there.
    @discardableResult
    public mutating func insert(_ value: Value, for filter: String) -> Bool {
        makeUnique()
        var node = root
        for level in Self.levels(of: filter) {
            if level == "#" {
                let inserted = node.hashValues.insert(value).inserted
                if inserted { count += 1 }
                return inserted
            }
            if level == "+" {
                if node.plus == nil { node.plus = Node() }
                node = node.plus!
            } else {
                if let next = node.children[level] {
                    node = next
                } else {
                    let next = Node()
                    node.children[level] = next
                    node = next
                }
            }
        }
        let inserted = node.values.insert(value).inserted
        if inserted { count += 1 }
        return inserted
    }

    /// Removes `value` from `filter`. Returns `false` if it was not there.
    @discardableResult
    public mutating func remove(_ value: Value, for filter: String) -> Bool {
        makeUnique()
        let levels = Self.levels(of: filter)
        let removed = Self.remove(value, levels: levels[...], from: root)
        if removed { count -= 1 }
        return removed
    }

    private static func remove(_ value: Value, levels: ArraySlice<Substring>, from node: Node) -> Bool {
        guard let level = levels.first else { return node.values.remove(value) != nil }
        if level == "#" { return node.hashValues.remove(value) != nil }
        let rest = levels.dropFirst()
        if level == "+" {
            guard let child = node.plus else { return false }
            let removed = remove(value, levels: rest, from: child)
            if child.isEmpty { node.plus = nil }
            return removed
        }
        guard let child = node.children[level] else { return false }
        let removed = remove(value, levels: rest, from: child)
        if child.isEmpty { node.children[level] = nil }
        return removed
    }

    /// Calls `body` once for every value whose filter matches `topic`
    /// (once per matching filter if a value is stored under several filters).
    @inlinable
    public func forEachMatch(of topic: String, _ body: (Value) throws -> Void) rethrows {
        let isSystem = topic.utf8.first == UInt8(ascii: "$")
        try Self.visit(
            root, topic: topic, levelStart: topic.utf8.startIndex, isFirstLevel: true, isSystem: isSystem, body)
    }

    /// Visits `node` for the level of `topic` that starts at `levelStart` (`nil` past the last
    /// level). Levels are found as the walk reaches them, between `/` bytes: routing a topic
    /// allocates no array of its levels.
    @inlinable
    static func visit(
        _ node: Node, topic: String, levelStart: String.Index?, isFirstLevel: Bool, isSystem: Bool,
        _ body: (Value) throws -> Void
    ) rethrows {
        let wildcardsAllowed = !(isFirstLevel && isSystem)
        if wildcardsAllowed { for value in node.hashValues { try body(value) } }
        guard let levelStart else {
            for value in node.values { try body(value) }
            return
        }
        let utf8 = topic.utf8
        let levelEnd = utf8[levelStart...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
        let next = levelEnd == utf8.endIndex ? nil : utf8.index(after: levelEnd)
        if let child = node.children[topic[levelStart..<levelEnd]] {
            try visit(child, topic: topic, levelStart: next, isFirstLevel: false, isSystem: isSystem, body)
        }
        if wildcardsAllowed, let plus = node.plus {
            try visit(plus, topic: topic, levelStart: next, isFirstLevel: false, isSystem: isSystem, body)
        }
    }

    /// The levels of a topic or filter, split at every `/` byte (U+002F) as the spec defines
    /// them. Splitting the UTF-8 bytes rather than `Character`s avoids grapheme breaking, which
    /// dominated routing time, and keeps a `/` followed by a combining mark a separator.
    @inlinable
    static func levels(of string: String) -> [Substring] {
        let utf8 = string.utf8
        var separators = 0
        for byte in utf8 where byte == UInt8(ascii: "/") { separators += 1 }
        var levels: [Substring] = []
        levels.reserveCapacity(separators + 1)  // one allocation, not one per doubling
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                levels.append(string[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        levels.append(string[start..<utf8.endIndex])
        return levels
    }

    /// The distinct values whose filters match `topic`.
    @inlinable
    public func matches(_ topic: String) -> Set<Value> {
        var result = Set<Value>()
        forEachMatch(of: topic) { result.insert($0) }
        return result
    }
}
