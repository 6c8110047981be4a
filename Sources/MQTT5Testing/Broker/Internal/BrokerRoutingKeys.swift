/// A non-shared subscription in the routing trie: which session, under which filter.
struct SubscriberKey: Hashable, Sendable {
    var clientID: String
    var filter: String
}

/// A shared subscription group in the routing trie: `$share/<shareName>/<filter>`.
struct SharedGroupKey: Hashable, Sendable {
    var shareName: String
    var filter: String

    /// The filter as clients subscribe to it.
    var rawFilter: String { "$share/\(shareName)/\(filter)" }
}

/// The members of a shared subscription group, served round-robin.
struct SharedGroup {
    /// Client identifiers in the order they joined.
    var members: [String] = []
    /// The index of the member that gets the next message (if connected).
    var next = 0
}
