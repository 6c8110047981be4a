/// Topic name and topic filter validation and matching (MQTT 5 section 4.7).
///
/// All functions work on the UTF-8 bytes of the strings and do not allocate.
public enum MQTTTopic {
    static let slash = UInt8(ascii: "/")
    static let plus = UInt8(ascii: "+")
    static let hash = UInt8(ascii: "#")
    static let dollar = UInt8(ascii: "$")

    /// The maximum length of a topic in bytes (a two-byte length prefix).
    public static let maximumLength = 65_535

    /// The prefix of a shared subscription filter.
    public static let sharedSubscriptionPrefix = "$share/"

    /// Checks that `topic` may be used as a PUBLISH topic name.
    ///
    /// - Throws: ``MQTTTopicError`` when it is empty, too long, contains U+0000 or a wildcard.
    public static func validateName(_ topic: String) throws(MQTTTopicError) {
        if let kind = withUTF8(of: topic, nameProblem) { throw MQTTTopicError(kind: kind, topic: topic) }
    }

    /// Whether `topic` is a valid topic name.
    public static func isValidName(_ topic: String) -> Bool {
        withUTF8(of: topic, nameProblem) == nil
    }

    /// Checks that `filter` may be used in SUBSCRIBE or UNSUBSCRIBE, including the
    /// shared-subscription form `$share/<ShareName>/<filter>`.
    ///
    /// - Throws: ``MQTTTopicError`` describing the first problem found.
    public static func validateFilter(_ filter: String) throws(MQTTTopicError) {
        if let kind = withUTF8(of: filter, filterProblem) { throw MQTTTopicError(kind: kind, topic: filter) }
    }

    /// Runs `body` on the UTF-8 bytes of `string`: in place for a native string (no copy, no
    /// allocation), from a copy for a bridged one.
    @inline(__always)
    static func withUTF8<Result>(of string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(string.utf8).withUnsafeBufferPointer(body)
    }

    /// What is wrong with the topic name `bytes`, if anything.
    static func nameProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> MQTTTopicError.Kind? {
        for byte in bytes {
            switch byte {
            case 0: return .containsNull
            case plus, hash: return .wildcardInTopicName
            default: break
            }
        }
        if bytes.isEmpty { return .empty }
        if bytes.count > maximumLength { return .tooLong }
        return nil
    }

    /// What is wrong with the topic filter `bytes`, if anything (the first problem found).
    static func filterProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> MQTTTopicError.Kind? {
        if bytes.isEmpty { return .empty }
        if bytes.count > maximumLength { return .tooLong }
        var start = 0
        let prefix = sharedSubscriptionPrefix.utf8
        if bytes.count >= prefix.count, bytes[0..<prefix.count].elementsEqual(prefix) {
            let nameStart = prefix.count
            guard let nameEnd = bytes[nameStart...].firstIndex(of: slash), nameEnd > nameStart,
                nameEnd + 1 < bytes.count,
                !bytes[nameStart..<nameEnd].contains(where: { $0 == plus || $0 == hash || $0 == 0 })
            else { return .invalidSharedSubscription }
            start = nameEnd + 1
        }
        var levelStart = start
        for index in start..<bytes.count {
            switch bytes[index] {
            case 0:
                return .containsNull
            case slash:
                levelStart = index + 1
            case plus:
                let endsLevel = index + 1 == bytes.count || bytes[index + 1] == slash
                guard index == levelStart, endsLevel else { return .misplacedWildcard }
            case hash:
                guard index == levelStart, index + 1 == bytes.count else { return .misplacedWildcard }
            default:
                break
            }
        }
        return nil
    }

    /// Whether `filter` is a valid topic filter.
    public static func isValidFilter(_ filter: String) -> Bool {
        withUTF8(of: filter, filterProblem) == nil
    }

    /// Whether `filter` contains a `+` or `#` wildcard.
    public static func hasWildcards(_ filter: String) -> Bool {
        filter.utf8.contains { $0 == plus || $0 == hash }
    }

    /// Whether the topic name `topic` matches the (valid, non-shared) topic filter `filter`.
    ///
    /// `+` matches exactly one level (possibly empty), `#` matches the parent level and any
    /// number of child levels, and a filter starting with a wildcard does not match a topic
    /// starting with `$` (section 4.7.2). For a shared subscription, pass ``MQTTTopicFilter/filter``.
    public static func matches(filter: String, topic: String) -> Bool {
        var filter = filter
        var topic = topic
        return filter.withUTF8 { filterBytes in
            topic.withUTF8 { topicBytes in
                matches(filter: filterBytes, topic: topicBytes)
            }
        }
    }

    /// Matches UTF-8 bytes; see ``matches(filter:topic:)-(String,String)``.
    public static func matches(filter f: UnsafeBufferPointer<UInt8>, topic t: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = t.first, first == dollar, let wildcard = f.first, wildcard == plus || wildcard == hash {
            return false
        }
        var fi = 0
        var ti = 0
        while fi < f.count {
            let byte = f[fi]
            if byte == hash { return true }
            if byte == plus {
                while ti < t.count, t[ti] != slash { ti += 1 }
                fi += 1
            } else {
                while fi < f.count, f[fi] != slash {
                    guard ti < t.count, t[ti] == f[fi] else { return false }
                    fi += 1
                    ti += 1
                }
                if ti < t.count, t[ti] != slash { return false }
            }
            // Both cursors are at the end of a level.
            if fi == f.count { return ti == t.count }
            if ti == t.count {
                // "a/#" matches "a".
                return fi + 2 == f.count && f[fi + 1] == hash
            }
            fi += 1
            ti += 1
        }
        return ti == t.count
    }
}
