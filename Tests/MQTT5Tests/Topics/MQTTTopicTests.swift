import Testing
@testable import MQTT5

@Suite struct MQTTTopicTests {
    @Test(arguments: [
        ("sport/tennis/player1/#", "sport/tennis/player1", true),
        ("sport/tennis/player1/#", "sport/tennis/player1/ranking", true),
        ("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true),
        ("sport/#", "sport", true),
        ("#", "sport/tennis", true),
        ("sport/tennis/+", "sport/tennis/player1", true),
        ("sport/tennis/+", "sport/tennis/player1/ranking", false),
        ("sport/+", "sport", false),
        ("sport/+", "sport/", true),
        ("+/+", "/finance", true),
        ("/+", "/finance", true),
        ("+", "/finance", false),
        ("#", "$SYS/monitor", false),
        ("+/monitor/Clients", "$SYS/monitor/Clients", false),
        ("$SYS/#", "$SYS/monitor/Clients", true),
        ("$SYS/monitor/+", "$SYS/monitor/Clients", true),
        ("a/b", "a/b", true),
        ("a/b", "a/bc", false),
        ("a/bc", "a/b", false),
        ("a/b", "a/b/", false),
        ("a/b/", "a/b/", true),
        ("a//b", "a//b", true),
        ("a/+/b", "a//b", true),
        ("$aws/things/+/shadow/get/+", "$aws/things/t1/shadow/get/accepted", true),
        ("$aws/things/+/shadow/get/+", "$aws/things/t1/shadow/update/accepted", false),
    ])
    func matching(filter: String, topic: String, expected: Bool) {
        #expect(MQTTTopic.matches(filter: filter, topic: topic) == expected, "\(filter) vs \(topic)")
        var trie = TopicFilterTrie<Int>()
        trie.insert(1, for: filter)
        #expect(trie.matches(topic) == (expected ? [1] : []), "trie: \(filter) vs \(topic)")
    }

    @Test(arguments: ["a", "a/b", "/", "$SYS/x", "a b/c", String(repeating: "x", count: 65_535)])
    func validNames(name: String) throws {
        try MQTTTopic.validateName(name)
    }

    @Test(arguments: [
        ("", MQTTTopicError.Kind.empty),
        ("a/+", .wildcardInTopicName),
        ("a/#", .wildcardInTopicName),
        ("a\u{0}b", .containsNull),
        (String(repeating: "x", count: 65_536), .tooLong),
    ])
    func invalidNames(name: String, kind: MQTTTopicError.Kind) {
        #expect(throws: MQTTTopicError(kind: kind, topic: name)) { try MQTTTopic.validateName(name) }
    }

    @Test(arguments: ["#", "+", "a/#", "a/+/b", "+/+", "/", "$share/g/a/+", "$share/g/#", "$SYS/#", "a//+"])
    func validFilters(filter: String) throws {
        try MQTTTopic.validateFilter(filter)
    }

    @Test(arguments: [
        ("", MQTTTopicError.Kind.empty),
        ("a/#/b", .misplacedWildcard),
        ("a#", .misplacedWildcard),
        ("a/b#", .misplacedWildcard),
        ("a+", .misplacedWildcard),
        ("a/+b", .misplacedWildcard),
        ("a\u{0}", .containsNull),
        ("$share//a", .invalidSharedSubscription),
        ("$share/g", .invalidSharedSubscription),
        ("$share/g/", .invalidSharedSubscription),
        ("$share/g+/a", .invalidSharedSubscription),
    ])
    func invalidFilters(filter: String, kind: MQTTTopicError.Kind) {
        #expect(throws: MQTTTopicError(kind: kind, topic: filter)) { try MQTTTopic.validateFilter(filter) }
    }

    @Test func sharedFilterSplits() throws {
        let filter = try MQTTTopicFilter("$share/workers/jobs/+/run")
        #expect(filter.shareName == "workers")
        #expect(filter.filter == "jobs/+/run")
        #expect(filter.matches("jobs/7/run"))
        #expect(filter.isShared && filter.hasWildcards)
    }

    @Test func trieRoutesManyFiltersAndRemoves() {
        var trie = TopicFilterTrie<String>()
        trie.insert("exact", for: "a/b/c")
        trie.insert("plus", for: "a/+/c")
        trie.insert("hash", for: "a/#")
        trie.insert("root", for: "#")
        trie.insert("other", for: "x/y")
        #expect(trie.count == 5)
        #expect(trie.matches("a/b/c") == ["exact", "plus", "hash", "root"])
        #expect(trie.matches("a") == ["hash", "root"])
        #expect(trie.matches("$a/b/c") == [])
        let removedOnce = trie.remove("plus", for: "a/+/c")
        let removedTwice = trie.remove("plus", for: "a/+/c")
        #expect(removedOnce && !removedTwice)
        #expect(trie.matches("a/z/c") == ["hash", "root"])
        let copy = trie
        trie.remove("hash", for: "a/#")
        #expect(copy.matches("a") == ["hash", "root"], "value semantics")
        #expect(trie.matches("a") == ["root"])
    }

    /// The trie finds exactly the filters a linear `MQTTTopic.matches` scan finds, for random
    /// filters and topics with empty levels, leading and trailing `/` and `$` topics.
    @Test func trieAgreesWithLinearMatching() {
        var generator = SystemRandomNumberGenerator()
        let levels = ["a", "b", "", "$x", "é"]
        func name(maxLevels: Int) -> String {
            (0..<Int.random(in: 1...maxLevels, using: &generator)).map { _ in
                levels.randomElement(using: &generator)!
            }.joined(separator: "/")
        }
        var filters: Set<String> = []
        while filters.count < 60 {
            var parts = name(maxLevels: 4).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            for index in parts.indices where Int.random(in: 0..<4, using: &generator) == 0 { parts[index] = "+" }
            if Bool.random(using: &generator) { parts.append("#") }
            let filter = parts.joined(separator: "/")
            if (try? MQTTTopic.validateFilter(filter)) != nil { filters.insert(filter) }
        }
        var trie = TopicFilterTrie<String>()
        for filter in filters { trie.insert(filter, for: filter) }
        for _ in 0..<2_000 {
            let topic = name(maxLevels: 5)
            let expected = Set(filters.filter { MQTTTopic.matches(filter: $0, topic: topic) })
            #expect(trie.matches(topic) == expected, "\(topic)")
        }
    }
}
