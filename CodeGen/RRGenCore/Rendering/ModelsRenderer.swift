/// Renders `<Service>.swift`: the namespace and one value type per shape.
struct ModelsRenderer {
    let context: RenderContext

    func render() -> String {
        var writer = SwiftWriter()
        let model = context.model
        writer.line(context.header)
        writer.line()
        let members = model.shapes.flatMap { shape -> [MemberModel] in
            if case .structure(let structure) = shape { return structure.members }
            return []
        }
        var modules: [(name: String, usedPublicly: Bool)] = []
        if context.usesFoundation(members) { modules.append(("Foundation", true)) }
        modules.append(("MQTTServiceRuntime", context.usesRuntimeTypes(members)))
        for importLine in context.imports(modules) { writer.line(importLine) }
        writer.line()
        writer.doc(model.documentation ?? "The \(model.name) service.")
        writer.doc(
            "\nThis namespace holds the service's models, ``Client``, ``ClientProtocol`` and ``ServiceProtocol``.")
        writer.line("\(context.access)enum \(model.name) {}")
        for shape in model.shapes {
            writer.line()
            writer.block("extension \(model.name) {") { writer in
                switch shape {
                case .structure(let structure): renderStructure(structure, into: &writer)
                case .enumeration(let enumeration): renderEnum(enumeration, into: &writer)
                }
            }
        }
        return writer.text
    }

    // MARK: Structures

    func renderStructure(_ structure: StructureModel, into writer: inout SwiftWriter) {
        let access = context.access
        writer.doc(structure.documentation ?? "The `\(structure.name)` shape.")
        var conformances = ["Codable", "Hashable", "Sendable"]
        if structure.isError { conformances.append("Error") }
        writer.block("\(access)struct \(structure.name): \(conformances.joined(separator: ", ")) {") { writer in
            for member in structure.members {
                writer.doc(context.memberDocumentation(member))
                writer.line("\(access)var \(member.swiftName): \(context.memberType(member))")
            }
            if !structure.members.isEmpty { writer.line() }
            renderInitializer(structure, into: &writer)
            writer.line()
            renderCodingKeys(structure, into: &writer)
            renderDecoder(structure, into: &writer)
            writer.line()
            renderEncoder(structure, into: &writer)
        }
    }

    func renderInitializer(_ structure: StructureModel, into writer: inout SwiftWriter) {
        writer.doc("Creates \(article(structure.name)) `\(structure.name)`.")
        if !structure.members.isEmpty {
            writer.doc("\n- Parameters:")
            for member in structure.members {
                writer.doc(
                    "  - \(member.swiftName): \(context.summary(member.documentation ?? "The `\(member.name)` member."))"
                )
            }
        }
        let parameters = structure.members.map { member in
            let defaultValue = context.memberDefault(member).map { " = \($0)" } ?? ""
            return "\(member.swiftName): \(context.memberType(member))\(defaultValue)"
        }
        if structure.members.isEmpty {
            writer.line("\(context.access)init() {}")
            return
        }
        writer.block("\(context.access)init(\(parameters.joined(separator: ", "))) {") { writer in
            for member in structure.members {
                writer.line("self.\(member.swiftName) = \(member.swiftName)")
            }
        }
    }

    func renderCodingKeys(_ structure: StructureModel, into writer: inout SwiftWriter) {
        let payload = structure.payloadMembers
        guard !payload.isEmpty else { return }
        writer.block("private enum CodingKeys: String, CodingKey {") { writer in
            for member in payload {
                if member.swiftName == member.name {
                    writer.line("case \(member.swiftName)")
                } else {
                    writer.line("case \(member.swiftName) = \(swiftStringLiteral(member.name))")
                }
            }
        }
        writer.line()
    }

    func renderDecoder(_ structure: StructureModel, into writer: inout SwiftWriter) {
        let topicBound = structure.members.filter(\.isTopicBound)
        writer.doc("Decodes \(article(structure.name)) `\(structure.name)` from its JSON payload.")
        if !topicBound.isEmpty {
            writer.doc(
                "\nTopic-bound members are not in the payload: they are read from the topic placeholders the\nrequest arrived with (`TopicPlaceholders` in the decoder's `userInfo`)."
            )
        }
        writer.block("\(context.access)init(from decoder: any Decoder) throws {") { writer in
            let payload = structure.payloadMembers
            if payload.isEmpty {
                writer.line("_ = try decoder.container(keyedBy: ServiceCodingKey.self)")
            } else {
                writer.line("let container = try decoder.container(keyedBy: CodingKeys.self)")
            }
            for member in structure.members {
                writer.line("self.\(member.swiftName) = \(decodeExpression(member))")
            }
        }
    }

    func decodeExpression(_ member: MemberModel) -> String {
        if member.isTopicBound {
            return
                "try TopicPlaceholders.decode(\(context.swiftType(member.type)).self, named: \(swiftStringLiteral(member.name)), from: decoder)"
        }
        let wire = context.wireType(member.type)
        let key = ".\(member.swiftName)"
        let method: String
        switch (member.isRequired, member.isNullable) {
        case (true, false): method = "decode"
        case (false, false): method = "decodeIfPresent"
        case (false, true): method = "decodeNullable"
        case (true, true): method = "decodeRequiredNullable"
        }
        let call = "try container.\(method)(\(wire).self, forKey: \(key))"
        guard member.type.needsWireConversion else { return call }
        if member.isRequired && !member.isNullable {
            return context.fromWire(member.type, call)
        }
        return "\(call).map { \(context.fromWire(member.type, "$0")) }"
    }

    func renderEncoder(_ structure: StructureModel, into writer: inout SwiftWriter) {
        writer.doc("Encodes the payload members of this `\(structure.name)` as a JSON object.")
        if structure.members.contains(where: \.isTopicBound) {
            writer.doc("\nTopic-bound members are left out: they travel in the topic.")
        }
        writer.block("\(context.access)func encode(to encoder: any Encoder) throws {") { writer in
            let payload = structure.payloadMembers
            if payload.isEmpty {
                writer.line("_ = encoder.container(keyedBy: ServiceCodingKey.self)")
                return
            }
            writer.line("var container = encoder.container(keyedBy: CodingKeys.self)")
            for member in payload {
                let value = "self.\(member.swiftName)"
                let method: String
                switch (member.isRequired, member.isNullable) {
                case (true, false): method = "encode"
                case (false, false): method = "encodeIfPresent"
                case (false, true): method = "encodeNullable"
                case (true, true): method = "encodeRequiredNullable"
                }
                var expression = value
                if member.type.needsWireConversion {
                    expression =
                        member.isRequired && !member.isNullable
                        ? context.toWire(member.type, value)
                        : "\(value).map { \(context.toWire(member.type, "$0")) }"
                }
                writer.line("try container.\(method)(\(expression), forKey: .\(member.swiftName))")
            }
        }
    }

    /// "a" or "an" before a type name.
    func article(_ name: String) -> String {
        guard let first = name.first else { return "a" }
        return "AEIOU".contains(first) ? "an" : "a"
    }

    // MARK: Enumerations

    func renderEnum(_ enumeration: EnumModel, into writer: inout SwiftWriter) {
        let access = context.access
        let name = enumeration.name
        writer.doc(enumeration.documentation ?? "The `\(name)` values.")
        writer.doc(
            "\nThe set is open: a value this code does not know decodes as is (see ``isKnown``) and encodes\nback unchanged. Match known values with `switch` and keep a `default` branch."
        )
        let conformances =
            "RawRepresentable, Codable, Hashable, Sendable, CodingKeyRepresentable, CustomStringConvertible"
        writer.block("\(access)struct \(name): \(conformances) {") { writer in
            writer.doc("The value on the wire.")
            writer.line("\(access)var rawValue: String")
            writer.line()
            writer.doc("Creates a value from its wire form, known or not.")
            writer.block("\(access)init(rawValue: String) {") { writer in
                writer.line("self.rawValue = rawValue")
            }
            for value in enumeration.values {
                writer.line()
                writer.doc(value.documentation ?? "`\(value.value)`.")
                writer.line(
                    "\(access)static let \(value.swiftName) = \(name)(rawValue: \(swiftStringLiteral(value.value)))")
            }
            writer.line()
            writer.doc("The values known when this code was generated, in schema order.")
            let known = enumeration.values.map { ".\($0.swiftName)" }.joined(separator: ", ")
            writer.line("\(access)static let knownValues: [\(name)] = [\(known)]")
            writer.line()
            writer.doc("Whether this value was known when this code was generated.")
            writer.line("\(access)var isKnown: Bool { Self.knownValues.contains(self) }")
            writer.line()
            writer.doc("The value on the wire.")
            writer.line("\(access)var description: String { rawValue }")
        }
    }
}
