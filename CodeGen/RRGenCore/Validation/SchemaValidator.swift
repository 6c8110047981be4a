/// Checks a ``ServiceSchema``'s meaning and resolves it into a ``ServiceModel``: the second
/// stage of the pipeline.
///
/// It reports every problem it finds (unknown shapes, unbound placeholders, response topics
/// no subscription covers, name collisions, reserved Swift words, recursive structures, ...)
/// in schema order, so one run shows them all.
public struct SchemaValidator {
    let schema: ServiceSchema
    var diagnostics: [RRGenDiagnostic] = []
    var shapesByName: [String: ShapeSchema] = [:]
    /// Swift member names per structure, filled while validating shapes.
    var memberModels: [String: [MemberModel]] = [:]
    var enumModels: [String: EnumModel] = [:]
    /// Topic-bound members per request structure, with the operation or stream that bound them first.
    var topicBindings: [String: (members: [String], owner: String)] = [:]
    /// Shapes used as a response, an event or a member type, with where (for role checks).
    var nonRequestUses: [(shape: String, path: JSONPath, location: SourceLocation?, what: String)] = []
    var errorShapes: Set<String> = []
    var methodNames: [String: String] = [:]

    /// Validates `schema`.
    ///
    /// - Returns: The resolved model.
    /// - Throws: ``RRGenError`` with every problem found.
    public static func validate(_ schema: ServiceSchema) throws(RRGenError) -> ServiceModel {
        var validator = SchemaValidator(schema: schema)
        let model = validator.run()
        if !validator.diagnostics.isEmpty {
            throw RRGenError(validator.diagnostics)
        }
        return model
    }

    init(schema: ServiceSchema) {
        self.schema = schema
    }

    mutating func report(_ path: JSONPath, _ message: String, at location: SourceLocation? = nil) {
        diagnostics.append(RRGenDiagnostic(path: path, message: message, location: location))
    }

    mutating func report(_ sourced: Sourced<String>, _ message: String) {
        report(sourced.path, message, at: sourced.location)
    }

    mutating func run() -> ServiceModel {
        checkServiceName()
        for shape in schema.shapes {
            shapesByName[shape.name.value] = shape
        }
        for shape in schema.shapes {
            checkShapeName(shape.name)
            switch shape.kind {
            case .structure(let members):
                memberModels[shape.name.value] = validateMembers(members, of: shape.name.value)
            case .enumeration(let values):
                enumModels[shape.name.value] = validateEnum(shape, values: values)
            }
        }
        checkRecursion()

        var operations: [OperationModel] = []
        for operation in schema.operations {
            if let model = validateOperation(operation) { operations.append(model) }
        }
        var streams: [StreamModel] = []
        for stream in schema.streams {
            if let model = validateStream(stream) { streams.append(model) }
        }
        checkSubscriptionsAgainstStreams(operations: operations, streams: streams)
        checkRequestRoles()
        return buildModel(operations: operations, streams: streams)
    }

    // MARK: Names

    private mutating func checkServiceName() {
        let name = schema.name
        if !SwiftNaming.isIdentifier(name.value) {
            report(name, "'\(name.value)' is not a valid Swift type name")
        } else if SwiftNaming.reservedWords.contains(name.value) {
            report(name, "'\(name.value)' is a reserved Swift word")
        } else if SwiftNaming.typesUsedByGeneratedCode.contains(name.value) {
            report(name, "'\(name.value)' would shadow a type the generated code uses")
        }
    }

    private mutating func checkShapeName(_ name: Sourced<String>) {
        if PrimitiveType(rawValue: name.value) != nil {
            report(name, "'\(name.value)' is a built-in type name")
        } else if !SwiftNaming.isIdentifier(name.value) {
            report(name, "'\(name.value)' is not a valid Swift type name")
        } else if SwiftNaming.reservedWords.contains(name.value) {
            report(name, "'\(name.value)' is a reserved Swift word")
        } else if SwiftNaming.generatedNamespaceMembers.contains(name.value) {
            report(name, "'\(name.value)' collides with a type rrgen generates in the service namespace")
        } else if SwiftNaming.typesUsedByGeneratedCode.contains(name.value) {
            report(name, "'\(name.value)' would shadow a type the generated code uses")
        } else if name.value == schema.name.value {
            report(name, "'\(name.value)' is the name of the service namespace")
        }
    }

    /// Checks a Swift name given by `"swiftName"` or derived from `text`; returns it if usable.
    mutating func swiftName(for text: Sourced<String>, override: Sourced<String>?, what: String) -> String? {
        if let override {
            if !SwiftNaming.isIdentifier(override.value) {
                report(override, "'\(override.value)' is not a valid Swift identifier")
                return nil
            }
            if SwiftNaming.reservedWords.contains(override.value) {
                report(override, "'\(override.value)' is a reserved Swift word")
                return nil
            }
            return override.value
        }
        guard let derived = SwiftNaming.lowerCamelName(text.value) else {
            report(text, "cannot derive a Swift \(what) name from '\(text.value)'; set \"swiftName\"")
            return nil
        }
        if SwiftNaming.reservedWords.contains(derived) {
            report(text, "'\(derived)' is a reserved Swift word; set \"swiftName\"")
            return nil
        }
        return derived
    }

    // MARK: Structures and enums

    private mutating func validateMembers(_ members: [MemberSchema], of structure: String) -> [MemberModel] {
        var models: [MemberModel] = []
        var usedNames: [String: String] = [:]
        for member in members {
            let type = resolve(member.type)
            guard let swiftName = swiftName(for: member.name, override: member.swiftName, what: "property") else {
                continue
            }
            if let other = usedNames[swiftName] {
                report(
                    member.swiftName ?? member.name, "Swift name '\(swiftName)' is already used by member '\(other)'")
                continue
            }
            usedNames[swiftName] = member.name.value
            guard let type else { continue }
            models.append(
                MemberModel(
                    name: member.name.value, swiftName: swiftName, type: type, isRequired: member.isRequired,
                    isNullable: member.isNullable, documentation: member.documentation, isTopicBound: false))
        }
        return models
    }

    /// Resolves a type reference, reporting unknown shapes and invalid map keys.
    mutating func resolve(_ reference: Sourced<TypeReference>) -> ResolvedType? {
        switch reference.value {
        case .primitive(let primitive):
            return .primitive(primitive)
        case .shape(let name):
            guard let shape = shapesByName[name] else {
                report(reference.path, unknownShapeMessage(name), at: reference.location)
                return nil
            }
            nonRequestUses.append((name, reference.path, reference.location, "nested in another shape"))
            switch shape.kind {
            case .structure: return .structure(name)
            case .enumeration: return .enumeration(name)
            }
        case .list(let element):
            return resolve(element).map { .list($0) }
        case .map(let key, let value):
            var keyName: String?
            var keyIsValid = true
            if let key {
                switch key.value {
                case .primitive(.string):
                    break
                case .shape(let name) where shapesByName[name] != nil:
                    if case .enumeration = shapesByName[name]!.kind {
                        keyName = name
                    } else {
                        report(
                            key.path, "a map key must be string or an enum shape, found structure '\(name)'",
                            at: key.location)
                        keyIsValid = false
                    }
                case .shape(let name):
                    report(key.path, unknownShapeMessage(name), at: key.location)
                    keyIsValid = false
                case .primitive(let primitive):
                    report(
                        key.path, "a map key must be string or an enum shape, found \(primitive.rawValue)",
                        at: key.location)
                    keyIsValid = false
                case .list, .map:
                    report(
                        key.path,
                        "a map key must be string or an enum shape, found a \(key.value.isList ? "list" : "map")",
                        at: key.location)
                    keyIsValid = false
                }
            }
            let resolvedValue = resolve(value)
            guard keyIsValid, let resolvedValue else { return nil }
            return .map(key: keyName, value: resolvedValue)
        }
    }

    func unknownShapeMessage(_ name: String) -> String {
        let candidates = schema.shapes.map(\.name.value) + PrimitiveType.allCases.map(\.rawValue)
        if let suggestion = candidates.first(where: { $0.lowercased() == name.lowercased() }) {
            return "unknown shape '\(name)'; did you mean '\(suggestion)'?"
        }
        return "unknown shape '\(name)'"
    }

    private mutating func validateEnum(_ shape: ShapeSchema, values: [EnumValueSchema]) -> EnumModel {
        var seenValues: Set<String> = []
        var usedNames: [String: String] = [:]
        var models: [EnumValueModel] = []
        let reservedMembers: Set<String> = ["rawValue", "knownValues", "isKnown", "description", "codingKey"]
        for value in values {
            if !seenValues.insert(value.value.value).inserted {
                report(value.value, "duplicate value '\(value.value.value)'")
                continue
            }
            guard let swiftName = swiftName(for: value.value, override: value.swiftName, what: "case") else { continue }
            if reservedMembers.contains(swiftName) {
                report(
                    value.swiftName ?? value.value,
                    "'\(swiftName)' collides with a member of the generated type; set \"swiftName\"")
                continue
            }
            if let other = usedNames[swiftName] {
                report(value.swiftName ?? value.value, "Swift name '\(swiftName)' is already used by value '\(other)'")
                continue
            }
            usedNames[swiftName] = value.value.value
            models.append(
                EnumValueModel(value: value.value.value, swiftName: swiftName, documentation: value.documentation))
        }
        return EnumModel(name: shape.name.value, documentation: shape.documentation, values: models)
    }

    /// Reports structures that contain themselves through non-list, non-map members (a Swift
    /// struct cannot), once per cycle.
    private mutating func checkRecursion() {
        var reported: Set<String> = []
        for shape in schema.shapes {
            guard case .structure = shape.kind, !reported.contains(shape.name.value) else { continue }
            if let cycle = findCycle(from: shape.name.value, current: shape.name.value, trail: [], visited: []) {
                reported.formUnion(cycle.map(\.structure))
                let description = cycle.map { "\($0.structure).\($0.member.name.value)" }.joined(separator: " -> ")
                let first = cycle[0].member
                report(
                    first.type.path,
                    "structure \(shape.name.value) contains itself (\(description) -> \(shape.name.value)); use an optional list or map to break the cycle",
                    at: first.type.location)
            }
        }
    }

    private func findCycle(
        from start: String, current: String, trail: [(structure: String, member: MemberSchema)], visited: Set<String>
    ) -> [(structure: String, member: MemberSchema)]? {
        guard let shape = shapesByName[current], case .structure(let members) = shape.kind else { return nil }
        for member in members {
            guard case .shape(let target) = member.type.value, let targetShape = shapesByName[target],
                case .structure = targetShape.kind
            else { continue }
            let nextTrail = trail + [(current, member)]
            if target == start { return nextTrail }
            if visited.contains(target) { continue }
            if let cycle = findCycle(from: start, current: target, trail: nextTrail, visited: visited.union([current]))
            {
                return cycle
            }
        }
        return nil
    }

    // MARK: Roles

    private mutating func checkRequestRoles() {
        for use in nonRequestUses {
            guard let binding = topicBindings[use.shape], !binding.members.isEmpty else { continue }
            report(
                use.path,
                "\(use.shape) has topic-bound members (\(binding.members.joined(separator: ", "))) and cannot be \(use.what)",
                at: use.location)
        }
    }

    /// Records that `request` binds `members` to topic placeholders for `owner`; reports a
    /// conflict with an earlier use.
    mutating func recordBinding(request: Sourced<String>, members: [String], owner: String) {
        if let existing = topicBindings[request.value] {
            if Set(existing.members) != Set(members) {
                let list = existing.members.isEmpty ? "none" : existing.members.joined(separator: ", ")
                report(
                    request,
                    "\(request.value) is also the request of \(existing.owner), whose topic members are \(list); a request shape must bind the same members everywhere"
                )
            }
            return
        }
        topicBindings[request.value] = (members, owner)
    }

    // MARK: Model

    private func buildModel(operations: [OperationModel], streams: [StreamModel]) -> ServiceModel {
        var shapes: [ShapeModel] = []
        for shape in schema.shapes {
            switch shape.kind {
            case .structure:
                let bound = Set(topicBindings[shape.name.value]?.members ?? [])
                let members = (memberModels[shape.name.value] ?? []).map { member in
                    var member = member
                    member.isTopicBound = bound.contains(member.name)
                    return member
                }
                shapes.append(
                    .structure(
                        StructureModel(
                            name: shape.name.value, documentation: shape.documentation, members: members,
                            isError: errorShapes.contains(shape.name.value))))
            case .enumeration:
                if let model = enumModels[shape.name.value] { shapes.append(.enumeration(model)) }
            }
        }
        shapes.sort { $0.name < $1.name }
        return ServiceModel(
            name: schema.name.value, documentation: schema.documentation, shapes: shapes, operations: operations,
            streams: streams)
    }
}

extension TypeReference {
    var isList: Bool {
        if case .list = self { return true }
        return false
    }
}
