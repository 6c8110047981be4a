// The three encoding containers of `ServiceJSONTreeEncoder`. Primitives become leaves at once;
// other values are boxed through the encoder (a child encoder, or a fast path).

struct ServiceJSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ServiceJSONTreeEncoder
    let storage: ServiceJSONObjectStorage

    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ value: ServiceJSONOutput, _ key: Key) {
        storage.members.append((key.stringValue, value))
    }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        set(try ServiceJSONTreeEncoder.number(value, path: codingPath + [key]), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        set(try ServiceJSONTreeEncoder.number(value, path: codingPath + [key]), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.number(String(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.number(String(value)), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try encoder.box(value, key: key), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested: ServiceJSONObjectStorage
        if case .object(let existing)? = storage.members.last(where: { $0.key == key.stringValue })?.value {
            nested = existing
        } else {
            nested = ServiceJSONObjectStorage()
            set(.object(nested), key)
        }
        return KeyedEncodingContainer(
            ServiceJSONKeyedEncodingContainer<NestedKey>(
                encoder: encoder.child(key: key, output: .object(nested)), storage: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested: ServiceJSONArrayStorage
        if case .array(let existing)? = storage.members.last(where: { $0.key == key.stringValue })?.value {
            nested = existing
        } else {
            nested = ServiceJSONArrayStorage()
            set(.array(nested), key)
        }
        return ServiceJSONUnkeyedEncodingContainer(
            encoder: encoder.child(key: key, output: .array(nested)), storage: nested)
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(key: ServiceJSONSuperKey())
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(key: key)
    }

    private func superEncoder(key: any CodingKey) -> any Encoder {
        let child = encoder.child(key: key)
        storage.members.append((key.stringValue, .encoder(child)))
        return child
    }
}

struct ServiceJSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: ServiceJSONTreeEncoder
    let storage: ServiceJSONArrayStorage

    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { storage.elements.count }

    private var nextKey: ServiceJSONIndexKey { ServiceJSONIndexKey(index: count) }

    private func append(_ value: ServiceJSONOutput) {
        storage.elements.append(value)
    }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws {
        append(try ServiceJSONTreeEncoder.number(value, path: codingPath + [nextKey]))
    }
    mutating func encode(_ value: Float) throws {
        append(try ServiceJSONTreeEncoder.number(value, path: codingPath + [nextKey]))
    }
    mutating func encode(_ value: Int) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int8) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { append(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { append(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { append(.number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try encoder.box(value, key: nextKey))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = ServiceJSONObjectStorage()
        let child = encoder.child(key: nextKey, output: .object(nested))
        append(.object(nested))
        return KeyedEncodingContainer(ServiceJSONKeyedEncodingContainer<NestedKey>(encoder: child, storage: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ServiceJSONArrayStorage()
        let child = encoder.child(key: nextKey, output: .array(nested))
        append(.array(nested))
        return ServiceJSONUnkeyedEncodingContainer(encoder: child, storage: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let child = encoder.child(key: nextKey)
        append(.encoder(child))
        return child
    }
}

struct ServiceJSONSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: ServiceJSONTreeEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ value: ServiceJSONOutput) {
        precondition(
            encoder.output == nil,
            "Attempt to encode value through single value container when previously value already encoded.")
        encoder.output = value
    }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try ServiceJSONTreeEncoder.number(value, path: codingPath)) }
    mutating func encode(_ value: Float) throws { set(try ServiceJSONTreeEncoder.number(value, path: codingPath)) }
    mutating func encode(_ value: Int) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int8) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { set(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { set(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { set(.number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        set(try encoder.box(value, key: nil))
    }
}
