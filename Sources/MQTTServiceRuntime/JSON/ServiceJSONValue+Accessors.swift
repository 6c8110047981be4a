extension ServiceJSONValue {
    /// The member `key` of an object; `nil` for other values or a missing key.
    public subscript(key: String) -> ServiceJSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The element at `index` of an array; `nil` for other values or an index out of range.
    public subscript(index: Int) -> ServiceJSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// Whether the value is `null`.
    public var isNull: Bool { self == .null }

    /// The value of a boolean.
    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The value of a number.
    public var doubleValue: Double? {
        guard case .number(let value) = self else { return nil }
        return value
    }

    /// The value of a number that is a whole number representable as `Int`.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value else { return nil }
        return Int(exactly: value)
    }

    /// The value of a string.
    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// The elements of an array.
    public var arrayValue: [ServiceJSONValue]? {
        guard case .array(let value) = self else { return nil }
        return value
    }

    /// The members of an object.
    public var objectValue: [String: ServiceJSONValue]? {
        guard case .object(let value) = self else { return nil }
        return value
    }
}
