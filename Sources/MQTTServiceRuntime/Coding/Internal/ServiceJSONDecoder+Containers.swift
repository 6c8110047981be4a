// The three decoding containers of `ServiceJSONTreeDecoder`. Each primitive requirement forwards
// to one of the decoder's unboxing helpers; nested values get a child decoder.

struct ServiceJSONKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: ServiceJSONTreeDecoder
    let members: [(key: String, value: ServiceJSONNode)]
    /// For large objects (maps), the position of each name's last value; small ones are searched.
    private let index: [String: Int]?

    /// Objects up to this many members are searched linearly: cheaper than hashing the names.
    private static var linearSearchLimit: Int { 16 }

    init(decoder: ServiceJSONTreeDecoder, members: [(key: String, value: ServiceJSONNode)]) {
        self.decoder = decoder
        self.members = members
        self.codingPath = decoder.codingPath
        if members.count > Self.linearSearchLimit {
            var index: [String: Int] = [:]
            index.reserveCapacity(members.count)
            for (position, member) in members.enumerated() { index[member.key] = position }
            self.index = index
        } else {
            self.index = nil
        }
    }

    /// The path of this container, computed once: every child's starts with it.
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        if let index { return index.keys.compactMap(Key.init(stringValue:)) }
        var seen: Set<String> = []
        return members.compactMap { seen.insert($0.key).inserted ? Key(stringValue: $0.key) : nil }
    }

    func contains(_ key: Key) -> Bool { lookup(key.stringValue) != nil }

    private func lookup(_ name: String) -> ServiceJSONNode? {
        if let index { return index[name].map { members[$0].value } }
        return members.last { $0.key == name }?.value
    }

    private func node(_ key: Key) throws -> ServiceJSONNode {
        guard let node = lookup(key.stringValue) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: codingPath,
                    debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return node
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try node(key) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try decoder.unboxBool(node(key), path(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decoder.unboxString(node(key), path(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder.unboxFloatingPoint(type, node(key), path(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try decoder.unboxFloatingPoint(type, node(key), path(key))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try decoder.unboxInteger(type, node(key), path(key))
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try decoder.unboxInteger(type, node(key), path(key))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.child(node(key), key: key, in: codingPath).decodeValue(type)
    }

    // `decodeIfPresent`: one lookup, where the protocol's default makes three (`contains`,
    // `decodeNil`, `decode`); the same answers (absent or null is nil).

    /// The value for `key` unless it is absent or null.
    private func presentNode(_ key: Key) -> ServiceJSONNode? {
        guard let node = lookup(key.stringValue) else { return nil }
        if case .null = node { return nil }
        return node
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let node = presentNode(key) else { return nil }
        return try decoder.child(node, key: key, in: codingPath).decodeValue(type)
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let node = presentNode(key) else { return nil }
        return try decoder.unboxString(node, path(key))
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let node = presentNode(key) else { return nil }
        return try decoder.unboxBool(node, path(key))
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let node = presentNode(key) else { return nil }
        return try decoder.unboxFloatingPoint(type, node, path(key))
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let node = presentNode(key) else { return nil }
        return try decoder.unboxInteger(type, node, path(key))
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let node = presentNode(key) else { return nil }
        return try decoder.unboxInteger(type, node, path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder.child(node(key), key: key, in: codingPath).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(node(key), key: key, in: codingPath).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        decoder.child(lookup("super") ?? .null, key: ServiceJSONSuperKey(), in: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.child(lookup(key.stringValue) ?? .null, key: key, in: codingPath)
    }
}

/// The key `superDecoder()` and `superEncoder()` use, as Foundation names it.
struct ServiceJSONSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) {}
    init?(intValue: Int) { nil }
}

struct ServiceJSONUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: ServiceJSONTreeDecoder
    let elements: [ServiceJSONNode]
    private(set) var currentIndex = 0

    init(decoder: ServiceJSONTreeDecoder, elements: [ServiceJSONNode]) {
        self.decoder = decoder
        self.elements = elements
        self.codingPath = decoder.codingPath
    }

    /// The path of this container, computed once: every element's starts with it.
    let codingPath: [any CodingKey]
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private var key: any CodingKey { ServiceJSONIndexKey(index: currentIndex) }

    /// The next element, advancing past it only when `decode` succeeds.
    private mutating func next<Value>(
        _ type: Value.Type, _ decode: (ServiceJSONTreeDecoder, ServiceJSONNode, () -> [any CodingKey]) throws -> Value
    ) throws -> Value {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(codingPath: codingPath + [key], debugDescription: "Unkeyed container is at end."))
        }
        let path = codingPath
        let key = self.key
        let value = try decode(decoder, elements[currentIndex]) { path + [key] }
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Never?.self,
                DecodingError.Context(codingPath: codingPath + [key], debugDescription: "Unkeyed container is at end."))
        }
        guard case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try $0.unboxBool($1, $2()) } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try $0.unboxString($1, $2()) } }
    mutating func decode(_ type: Double.Type) throws -> Double {
        try next(type) { try $0.unboxFloatingPoint(type, $1, $2()) }
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        try next(type) { try $0.unboxFloatingPoint(type, $1, $2()) }
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) { try $0.unboxInteger(type, $1, $2()) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) { try $0.unboxInteger(type, $1, $2()) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) { try $0.unboxInteger(type, $1, $2()) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) { try $0.unboxInteger(type, $1, $2()) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) { try $0.unboxInteger(type, $1, $2()) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) { try $0.unboxInteger(type, $1, $2()) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) { try $0.unboxInteger(type, $1, $2()) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 {
        try next(type) { try $0.unboxInteger(type, $1, $2()) }
    }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 {
        try next(type) { try $0.unboxInteger(type, $1, $2()) }
    }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 {
        try next(type) { try $0.unboxInteger(type, $1, $2()) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (key, path) = (self.key, codingPath)
        return try next(type) { decoder, node, _ in try decoder.child(node, key: key, in: path).decodeValue(type) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let (key, path) = (self.key, codingPath)
        return try next(KeyedDecodingContainer<NestedKey>.self) { decoder, node, _ in
            try decoder.child(node, key: key, in: path).container(keyedBy: type)
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (key, path) = (self.key, codingPath)
        return try next((any UnkeyedDecodingContainer).self) { decoder, node, _ in
            try decoder.child(node, key: key, in: path).unkeyedContainer()
        }
    }

    mutating func superDecoder() throws -> any Decoder {
        let (key, path) = (self.key, codingPath)
        return try next((any Decoder).self) { decoder, node, _ in decoder.child(node, key: key, in: path) }
    }
}

struct ServiceJSONSingleValueContainer: SingleValueDecodingContainer {
    let decoder: ServiceJSONTreeDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }
    private var node: ServiceJSONNode { decoder.node }

    func decodeNil() -> Bool {
        if case .null = node { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool { try decoder.unboxBool(node, codingPath) }
    func decode(_ type: String.Type) throws -> String { try decoder.unboxString(node, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.unboxFloatingPoint(type, node, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.unboxFloatingPoint(type, node, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.unboxInteger(type, node, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.unboxInteger(type, node, codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeValue(type)
    }
}
