/// Swift identifier rules and the name conversions the generator uses.
public enum SwiftNaming {
    /// Swift keywords that cannot be used as plain identifiers (declarations, statements,
    /// expressions and types).
    public static let reservedWords: Set<String> = [
        "associatedtype", "borrowing", "class", "consuming", "deinit", "enum", "extension", "fileprivate", "func",
        "import", "init", "inout", "internal", "let", "nonisolated", "open", "operator", "package", "private",
        "precedencegroup", "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
        "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard", "if",
        "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil",
        "self", "Self", "super", "throws", "true", "try", "Type", "Protocol",
    ]

    /// Type names the generated code refers to, which a shape must not shadow.
    public static let typesUsedByGeneratedCode: Set<String> = [
        "String", "Int", "Int64", "Double", "Bool", "Date", "Data", "UUID", "Duration", "Never", "Void", "Array",
        "Dictionary", "Optional", "Error", "Codable", "Decoder", "Encoder", "CodingKey", "ServiceJSONValue", "Nullable",
        "EpochSeconds", "Base64Bytes", "ServiceError", "ServiceCodingKey", "ServiceEventStream", "ServiceStreamElement",
        "ServiceOperationDescriptor", "ServiceStreamDescriptor", "ServiceResponseRoute", "ServiceCorrelation",
        "TopicPlaceholders", "RequestResponseClient", "RequestResponder", "ResponderRegistration",
        "RequestResponseError", "CodingKeys",
    ]

    /// Names the generator declares inside a service namespace.
    public static let generatedNamespaceMembers: Set<String> = [
        "Client", "ClientProtocol", "ServiceProtocol", "Operations", "Streams",
    ]

    /// Whether `name` is a plain Swift identifier (ASCII letters, digits and `_`, not starting
    /// with a digit). Unicode identifiers are legal Swift but not accepted, to keep generated
    /// code easy to type.
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        guard first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
    }

    /// `GetShadow` -> `getShadow`, `URLFetch` -> `urlFetch`, `ABC` -> `abc`.
    public static func lowercasingLeadingWord(_ name: String) -> String {
        let scalars = Array(name.unicodeScalars)
        var upperRun = 0
        while upperRun < scalars.count && scalars[upperRun].isASCIIUppercase { upperRun += 1 }
        if upperRun == 0 { return name }
        var lowerCount = upperRun
        if upperRun > 1 && upperRun < scalars.count && scalars[upperRun].isASCIILowercase {
            lowerCount = upperRun - 1
        }
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if index < lowerCount, let lowered = Unicode.Scalar(scalar.value + 32) {
                result.append(lowered)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// `getShadow` -> `GetShadow`.
    public static func uppercasingFirst(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.uppercased() + name.dropFirst()
    }

    /// A lower-camel Swift name for a JSON key or enum value: `clientToken` -> `clientToken`,
    /// `status_code` -> `statusCode`, `IN_PROGRESS` -> `inProgress`, `InternalError` ->
    /// `internalError`, `create-from-csr` -> `createFromCsr`.
    ///
    /// - Returns: `nil` when no identifier can be derived (no letters, or a leading digit).
    public static func lowerCamelName(_ text: String) -> String? {
        let words = text.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.map(String.init)
        guard !words.isEmpty else { return nil }
        var result = ""
        for (index, word) in words.enumerated() {
            let isAllUppercase = word.unicodeScalars.allSatisfy { !$0.isASCIILowercase }
            let normalized = isAllUppercase ? word.lowercased() : word
            result += index == 0 ? lowercasingLeadingWord(normalized) : uppercasingFirst(normalized)
        }
        return isIdentifier(result) ? result : nil
    }
}

extension Unicode.Scalar {
    var isASCIIUppercase: Bool { value >= 0x41 && value <= 0x5A }
    var isASCIILowercase: Bool { value >= 0x61 && value <= 0x7A }
    var isASCIILetter: Bool { isASCIIUppercase || isASCIILowercase }
    var isASCIIDigit: Bool { value >= 0x30 && value <= 0x39 }
}
