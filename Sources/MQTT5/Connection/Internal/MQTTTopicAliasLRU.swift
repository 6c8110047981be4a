/// A least-recently-used assignment of topic aliases `1...capacity` to topic names, for outbound
/// LRU topic aliasing. Lookups, insertions and evictions are O(1).
struct MQTTTopicAliasLRU {
    /// The number of aliases.
    let capacity: Int
    private var aliasByTopic: [String: Int] = [:]
    private var topics: [String]
    // A doubly linked list of aliases by recency; index 0 is the sentinel.
    private var previous: [Int]
    private var next: [Int]

    /// Creates an empty cache of `capacity` aliases (at least 1).
    init(capacity: Int) {
        self.capacity = max(1, min(capacity, Int(UInt16.max)))
        self.topics = Array(repeating: "", count: self.capacity + 1)
        self.previous = Array(repeating: 0, count: self.capacity + 1)
        self.next = Array(repeating: 0, count: self.capacity + 1)
    }

    /// The number of bound aliases.
    var count: Int { aliasByTopic.count }

    /// The alias for `topic`, marked most recently used. `isNew` is `true` when the alias was
    /// (re)bound to `topic` now, so the topic must be sent along with it; an eviction rebinds the
    /// least recently used alias.
    mutating func alias(for topic: String) -> (alias: UInt16, isNew: Bool) {
        if let alias = aliasByTopic[topic] {
            unlink(alias)
            pushFront(alias)
            return (UInt16(alias), false)
        }
        let alias: Int
        if aliasByTopic.count < capacity {
            alias = aliasByTopic.count + 1
        } else {
            alias = previous[0]  // the tail: least recently used
            unlink(alias)
            aliasByTopic[topics[alias]] = nil
        }
        topics[alias] = topic
        aliasByTopic[topic] = alias
        pushFront(alias)
        return (UInt16(alias), true)
    }

    /// Whether every alias is bound.
    var isFull: Bool { aliasByTopic.count >= capacity }

    /// Whether `topic` has an alias (without touching recency).
    func contains(_ topic: String) -> Bool { aliasByTopic[topic] != nil }

    /// The topic bound to `alias`, if any (without touching recency).
    func topic(for alias: UInt16) -> String? {
        let index = Int(alias)
        guard index >= 1, index <= capacity, aliasByTopic[topics[index]] == index else { return nil }
        return topics[index]
    }

    private mutating func unlink(_ alias: Int) {
        next[previous[alias]] = next[alias]
        previous[next[alias]] = previous[alias]
    }

    private mutating func pushFront(_ alias: Int) {
        let first = next[0]
        next[alias] = first
        previous[alias] = 0
        previous[first] = alias
        next[0] = alias
    }
}
