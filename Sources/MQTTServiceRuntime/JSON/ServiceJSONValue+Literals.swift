extension ServiceJSONValue: ExpressibleByNilLiteral {
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension ServiceJSONValue: ExpressibleByBooleanLiteral {
    /// A boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension ServiceJSONValue: ExpressibleByIntegerLiteral {
    /// A number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}

extension ServiceJSONValue: ExpressibleByFloatLiteral {
    /// A number.
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension ServiceJSONValue: ExpressibleByStringLiteral {
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension ServiceJSONValue: ExpressibleByArrayLiteral {
    /// An array.
    public init(arrayLiteral elements: ServiceJSONValue...) { self = .array(elements) }
}

extension ServiceJSONValue: ExpressibleByDictionaryLiteral {
    /// An object; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, ServiceJSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
