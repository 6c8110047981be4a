extension KeyedDecodingContainer {
    /// Decodes a member that may be absent, `null` or a value.
    ///
    /// - Returns: ``Nullable/absent`` when the key is missing, ``Nullable/null`` for a JSON `null`,
    ///   otherwise the decoded value.
    public func decodeNullable<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Nullable<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(Value.self, forKey: key))
    }

    /// Decodes a member that must be present but may be `null`.
    ///
    /// - Returns: `nil` for a JSON `null`, otherwise the decoded value.
    /// - Throws: `DecodingError.keyNotFound` when the key is missing.
    public func decodeRequiredNullable<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value? {
        guard contains(key) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: codingPath,
                    debugDescription:
                        "required member '\(key.stringValue)' is missing (it may be null, but must be present)"))
        }
        if try decodeNil(forKey: key) { return nil }
        return try decode(Value.self, forKey: key)
    }
}

extension KeyedEncodingContainer {
    /// Encodes a member that may be absent (left out), `null` or a value.
    public mutating func encodeNullable<Value: Encodable>(_ value: Nullable<Value>, forKey key: Key) throws {
        switch value {
        case .absent: break
        case .null: try encodeNil(forKey: key)
        case .value(let value): try encode(value, forKey: key)
        }
    }

    /// Encodes a member that is always present: `nil` is written as an explicit `null`.
    public mutating func encodeRequiredNullable<Value: Encodable>(_ value: Value?, forKey key: Key) throws {
        if let value {
            try encode(value, forKey: key)
        } else {
            try encodeNil(forKey: key)
        }
    }
}
