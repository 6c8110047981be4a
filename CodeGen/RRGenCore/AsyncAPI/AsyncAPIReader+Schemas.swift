/// `components.schemas` (JSON Schema) to shapes.
///
/// A named object schema is a structure, a named string schema with `enum` an (open) enum.
/// Member types: `string`, `integer` (`format: int64` is `long`), `number`, `boolean`,
/// `contentEncoding: base64` strings (`blob`), numbers or integers with `x-rrgen-timestamp: true`
/// (epoch seconds), `array` with `items`, `object` with `additionalProperties` (a map, keyed by
/// the enum `propertyNames` refers to), no `type` (any JSON), `$ref` to a component schema.
/// `type: [T, "null"]`, `oneOf: [{$ref}, {type: "null"}]` and `x-rrgen-nullable: true` make a
/// member nullable.
extension AsyncAPIReader {
    /// Keys of a schema rrgen reads.
    static let schemaKeys = [
        "type", "properties", "required", "additionalProperties", "items", "enum", "description", "format",
        "contentEncoding", "propertyNames", "oneOf", "anyOf", "$ref",
        "x-rrgen-timestamp", "x-rrgen-swiftName", "x-rrgen-nullable", "x-rrgen-enumDescriptions",
        "x-rrgen-enumSwiftNames",
    ]
    /// Keys of a schema that only document.
    static let schemaDocumentationKeys = [
        "title", "examples", "example", "deprecated", "readOnly", "writeOnly", "$comment", "externalDocs",
    ]

    mutating func readShapes() throws(RRGenError) {
        guard let components = root.member("components"), let schemas = components.member("schemas") else { return }
        let schemasPath = JSONPath.root.appending("components").appending("schemas")
        guard case .object(let members) = schemas.value else {
            throw RRGenError(
                path: schemasPath, message: "expected an object of schemas, found \(schemas.kindDescription)",
                location: schemas.location)
        }
        for member in members {
            shapes.append(try readShape(member, path: schemasPath.appending(member.key)))
        }
    }

    private func readShape(_ member: JSONMember, path: JSONPath) throws(RRGenError) -> ShapeSchema {
        let name = Sourced(member.key, path: path, location: member.keyLocation)
        if try Self.reference(in: member.value, path: path) != nil {
            throw RRGenError(
                path: path.appending("$ref"),
                message:
                    "a component schema that only refers to another is not supported; refer to the other one directly",
                location: member.value.location)
        }
        let schema = try AsyncAPIObject(
            member.value, path: path, what: "a schema", supported: Self.schemaKeys,
            ignored: Self.schemaDocumentationKeys)
        let documentation = try schema.string("description")?.value
        if let values = try schema.array("enum") {
            let type = try typeNames(schema)
            guard type.names.isEmpty || type.names == ["string"] else {
                throw RRGenError(
                    path: path.appending("type"), message: "an enum schema must be of type \"string\"",
                    location: schema.node("type")?.location)
            }
            try rejectKeys(
                ["properties", "items", "additionalProperties"], in: schema,
                because: "an enum schema has only 'enum' values")
            let descriptions = try schema.stringMap("x-rrgen-enumDescriptions")
            let swiftNames = try schema.stringMap("x-rrgen-enumSwiftNames")
            var enumValues: [EnumValueSchema] = []
            for (index, node) in values.enumerated() {
                let valuePath = path.appending("enum").appending(index: index)
                guard case .string(let value) = node.value else {
                    throw RRGenError(
                        path: valuePath, message: "enum values must be strings, found \(node.kindDescription)",
                        location: node.location)
                }
                enumValues.append(
                    EnumValueSchema(
                        value: Sourced(value, path: valuePath, location: node.location),
                        swiftName: swiftNames[value].map {
                            Sourced($0, path: path.appending("x-rrgen-enumSwiftNames").appending(value))
                        },
                        documentation: descriptions[value]))
            }
            if values.isEmpty {
                throw RRGenError(
                    path: path.appending("enum"), message: "an enum needs at least one value",
                    location: schema.node("enum")?.location)
            }
            for (key, extensionName) in [
                (descriptions, "x-rrgen-enumDescriptions"), (swiftNames, "x-rrgen-enumSwiftNames"),
            ] {
                for value in key.keys.sorted() where !enumValues.contains(where: { $0.value.value == value }) {
                    throw RRGenError(
                        path: path.appending(extensionName).appending(value),
                        message: "'\(value)' is not one of the enum's values")
                }
            }
            return ShapeSchema(name: name, documentation: documentation, kind: .enumeration(enumValues))
        }
        let type = try typeNames(schema)
        guard type.names == ["object"] || (type.names.isEmpty && schema.has("properties")) else {
            throw RRGenError(
                path: path,
                message:
                    "a component schema must be an object with 'properties' (a structure) or a string 'enum'; other named types are not supported, use them inline",
                location: schema.location)
        }
        if type.isNullable {
            throw RRGenError(
                path: path.appending("type"),
                message: "a component schema cannot be nullable; make the members that refer to it nullable",
                location: schema.node("type")?.location)
        }
        if let additional = schema.node("additionalProperties"), additional.value != .bool(false) {
            throw RRGenError(
                path: path.appending("additionalProperties"),
                message:
                    "a structure with additional properties is not supported; a map is an inline 'object' schema with only 'additionalProperties'",
                location: additional.location)
        }
        try rejectKeys(
            [
                "items", "format", "contentEncoding", "propertyNames", "oneOf", "anyOf", "x-rrgen-timestamp",
                "x-rrgen-nullable", "x-rrgen-swiftName",
            ], in: schema, because: "it does not apply to a structure")
        var required: [Sourced<String>] = []
        for (index, node) in (try schema.array("required") ?? []).enumerated() {
            guard case .string(let key) = node.value else {
                throw RRGenError(
                    path: path.appending("required").appending(index: index),
                    message: "expected a property name, found \(node.kindDescription)", location: node.location)
            }
            required.append(
                Sourced(key, path: path.appending("required").appending(index: index), location: node.location))
        }
        let properties = try schema.object("properties") ?? []
        for key in required where !properties.contains(where: { $0.key == key.value }) {
            throw RRGenError(
                path: key.path, message: "'\(key.value)' is required but is not one of the properties",
                location: key.location)
        }
        var members: [MemberSchema] = []
        for property in properties {
            let propertyPath = path.appending("properties").appending(property.key)
            let member = try readMemberType(property.value, path: propertyPath)
            members.append(
                MemberSchema(
                    name: Sourced(property.key, path: propertyPath, location: property.keyLocation),
                    swiftName: member.swiftName, type: member.type,
                    isRequired: required.contains { $0.value == property.key }, isNullable: member.isNullable,
                    documentation: member.documentation))
        }
        return ShapeSchema(name: name, documentation: documentation, kind: .structure(members))
    }

    /// A property schema as a member type.
    func readMemberType(
        _ node: JSONNode, path: JSONPath
    ) throws(RRGenError) -> (
        type: Sourced<TypeReference>, isNullable: Bool, documentation: String?, swiftName: Sourced<String>?
    ) {
        let schema = try AsyncAPIObject(
            node, path: path, what: "a property schema", supported: Self.schemaKeys,
            ignored: Self.schemaDocumentationKeys)
        let documentation = try schema.string("description")?.value
        let swiftName = try schema.string("x-rrgen-swiftName")
        let (type, isNullable) = try readType(schema, node: node, path: path)
        return (type, isNullable, documentation, swiftName)
    }

    private func readType(
        _ schema: AsyncAPIObject, node: JSONNode, path: JSONPath
    ) throws(RRGenError) -> (Sourced<TypeReference>, Bool) {
        if let reference = try Self.reference(in: node, path: path) {
            try rejectKeys(
                Self.schemaKeys.filter { !["$ref", "description", "x-rrgen-swiftName"].contains($0) }, in: schema,
                because: "a '$ref' takes only 'description' beside it")
            return (try shapeReference(reference, path: path), false)
        }
        for key in ["oneOf", "anyOf"] {
            guard let alternatives = try schema.array(key) else { continue }
            try rejectKeys(
                Self.schemaKeys.filter { ![key, "description", "x-rrgen-swiftName"].contains($0) }, in: schema,
                because: "'\(key)' takes only 'description' beside it")
            let alternativesPath = path.appending(key)
            let nullIndex = alternatives.firstIndex { isNullSchema($0) }
            guard alternatives.count == 2, let nullIndex else {
                throw RRGenError(
                    path: alternativesPath,
                    message:
                        "'\(key)' is supported only as a nullable reference: [{\"$ref\": ...}, {\"type\": \"null\"}]",
                    location: schema.node(key)?.location)
            }
            let otherIndex = 1 - nullIndex
            guard
                let reference = try Self.reference(
                    in: alternatives[otherIndex], path: alternativesPath.appending(index: otherIndex))
            else {
                throw RRGenError(
                    path: alternativesPath.appending(index: otherIndex),
                    message:
                        "'\(key)' is supported only as a nullable reference: [{\"$ref\": ...}, {\"type\": \"null\"}]",
                    location: alternatives[otherIndex].location)
            }
            return (try shapeReference(reference, path: path), true)
        }
        if schema.has("enum") {
            throw RRGenError(
                path: path.appending("enum"),
                message:
                    "inline enums are not supported; move the enum to components.schemas (its key names the Swift type) and refer to it",
                location: schema.node("enum")?.location)
        }
        let type = try typeNames(schema)
        let typePath = path.appending("type")
        let located = { (reference: TypeReference) in
            Sourced(reference, path: typePath, location: schema.node("type")?.location ?? schema.location)
        }
        if try schema.bool("x-rrgen-nullable") == true {
            guard type.names.isEmpty else {
                throw RRGenError(
                    path: path.appending("x-rrgen-nullable"),
                    message:
                        "'x-rrgen-nullable' is for schemas without a 'type' (any JSON); write \"type\": [T, \"null\"]",
                    location: schema.keyLocation("x-rrgen-nullable"))
            }
        }
        if try schema.bool("x-rrgen-timestamp") == true, type.names != ["number"], type.names != ["integer"] {
            throw RRGenError(
                path: path.appending("x-rrgen-timestamp"),
                message: "'x-rrgen-timestamp' marks epoch seconds and needs \"type\": \"number\" or \"integer\"",
                location: schema.keyLocation("x-rrgen-timestamp"))
        }
        guard let name = type.names.first else {
            if schema.has("properties") {
                throw RRGenError(
                    path: path.appending("properties"),
                    message:
                        "inline object schemas are not supported; move it to components.schemas (its key names the Swift type) and refer to it",
                    location: schema.keyLocation("properties"))
            }
            try rejectKeys(
                ["items", "additionalProperties", "format", "contentEncoding", "propertyNames", "required"], in: schema,
                because: "a schema without 'type' is any JSON value")
            return (located(.primitive(.document)), try schema.bool("x-rrgen-nullable") ?? false)
        }
        let format = try schema.string("format")
        let checkFormat = { (allowed: [String]) throws(RRGenError) in
            if let format, !allowed.contains(format.value) {
                throw RRGenError(
                    path: format.path,
                    message:
                        "format '\(format.value)' is not supported for type '\(name)'\(allowed.isEmpty ? "" : "; rrgen reads \(allowed.map { "'\($0)'" }.joined(separator: ", "))")",
                    location: format.location)
            }
        }
        let reference: TypeReference
        switch name {
        case "string":
            try rejectKeys(
                ["properties", "items", "additionalProperties", "propertyNames", "required"], in: schema,
                because: "it does not apply to a string")
            try checkFormat(["byte"])
            if let encoding = try schema.string("contentEncoding"), encoding.value != "base64" {
                throw RRGenError(
                    path: encoding.path,
                    message: "contentEncoding '\(encoding.value)' is not supported; rrgen reads 'base64'",
                    location: encoding.location)
            }
            reference = schema.has("contentEncoding") || format != nil ? .primitive(.blob) : .primitive(.string)
        case "integer":
            try rejectKeys(
                ["properties", "items", "additionalProperties", "propertyNames", "required", "contentEncoding"],
                in: schema, because: "it does not apply to an integer")
            try checkFormat(["int32", "int64"])
            if try schema.bool("x-rrgen-timestamp") == true {
                reference = .primitive(.timestamp)
            } else {
                reference = format?.value == "int64" ? .primitive(.long) : .primitive(.integer)
            }
        case "number":
            try rejectKeys(
                ["properties", "items", "additionalProperties", "propertyNames", "required", "contentEncoding"],
                in: schema, because: "it does not apply to a number")
            try checkFormat(["double", "float"])
            reference = try schema.bool("x-rrgen-timestamp") == true ? .primitive(.timestamp) : .primitive(.double)
        case "boolean":
            try rejectKeys(
                [
                    "properties", "items", "additionalProperties", "propertyNames", "required", "contentEncoding",
                    "format",
                ], in: schema, because: "it does not apply to a boolean")
            reference = .primitive(.boolean)
        case "array":
            try rejectKeys(
                ["properties", "additionalProperties", "propertyNames", "required", "contentEncoding", "format"],
                in: schema, because: "it does not apply to an array")
            let items = try schema.requiredNode("items", expected: "the element schema")
            let element = try readMemberType(items, path: path.appending("items"))
            if element.isNullable {
                throw RRGenError(
                    path: path.appending("items"), message: "nullable array elements are not supported",
                    location: items.location)
            }
            reference = .list(element.type)
        case "object":
            if schema.has("properties") {
                throw RRGenError(
                    path: path.appending("properties"),
                    message:
                        "inline object schemas are not supported; move it to components.schemas (its key names the Swift type) and refer to it",
                    location: schema.keyLocation("properties"))
            }
            try rejectKeys(
                ["items", "required", "contentEncoding", "format"], in: schema, because: "it does not apply to a map")
            guard let additional = schema.node("additionalProperties"), additional.value != .bool(true) else {
                if schema.has("propertyNames") {
                    throw RRGenError(
                        path: path.appending("propertyNames"),
                        message: "'propertyNames' needs 'additionalProperties' (a map's value schema)",
                        location: schema.keyLocation("propertyNames"))
                }
                reference = .primitive(.document)
                break
            }
            if additional.value == .bool(false) {
                throw RRGenError(
                    path: path.appending("additionalProperties"),
                    message:
                        "an object without properties that allows no additional properties is always empty; use a component schema",
                    location: additional.location)
            }
            let value = try readMemberType(additional, path: path.appending("additionalProperties"))
            if value.isNullable {
                throw RRGenError(
                    path: path.appending("additionalProperties"), message: "nullable map values are not supported",
                    location: additional.location)
            }
            var key: Sourced<TypeReference>?
            if let keyNode = schema.node("propertyNames") {
                let keyPath = path.appending("propertyNames")
                guard let keyReference = try Self.reference(in: keyNode, path: keyPath) else {
                    throw RRGenError(
                        path: keyPath, message: "'propertyNames' must refer to a string enum in components.schemas",
                        location: keyNode.location)
                }
                key = try shapeReference(keyReference, path: keyPath)
            }
            reference = .map(key: key, value: value.type)
        case "null":
            throw RRGenError(
                path: typePath, message: "a member that is always null is not supported",
                location: schema.node("type")?.location)
        default:
            throw RRGenError(path: typePath, message: "unknown type '\(name)'", location: schema.node("type")?.location)
        }
        return (located(reference), type.isNullable)
    }

    /// The shape a `$ref` to `#/components/schemas/Name` names.
    func shapeReference(_ reference: Sourced<String>, path: JSONPath) throws(RRGenError) -> Sourced<TypeReference> {
        let target = try pointerPath(reference)
        guard target.components.count == 3, target.hasPrefix(["components", "schemas"]), let name = target.lastKey
        else {
            throw RRGenError(
                path: reference.path,
                message:
                    "'\(reference.value)' must refer to a schema in components.schemas (#/components/schemas/Name)",
                location: reference.location)
        }
        guard lookUp(target) != nil else {
            throw RRGenError(
                path: reference.path, message: "'\(reference.value)' points to nothing in this document",
                location: reference.location)
        }
        return Sourced(.shape(name), path: reference.path, location: reference.location)
    }

    /// `type` as a list of names, with `"null"` taken out as nullability.
    func typeNames(_ schema: AsyncAPIObject) throws(RRGenError) -> (names: [String], isNullable: Bool) {
        guard let node = schema.node("type") else { return ([], false) }
        let path = schema.path.appending("type")
        switch node.value {
        case .string(let name):
            return ([name], false)
        case .array(let elements):
            var names: [String] = []
            for (index, element) in elements.enumerated() {
                guard case .string(let name) = element.value else {
                    throw RRGenError(
                        path: path.appending(index: index),
                        message: "expected a type name, found \(element.kindDescription)", location: element.location)
                }
                names.append(name)
            }
            let nonNull = names.filter { $0 != "null" }
            guard nonNull.count == 1, names.count <= 2 else {
                throw RRGenError(
                    path: path, message: "a list of types is supported only as [T, \"null\"] (a nullable T)",
                    location: node.location)
            }
            return (nonNull, names.count == 2)
        default:
            throw RRGenError(
                path: path, message: "expected a type name or [T, \"null\"], found \(node.kindDescription)",
                location: node.location)
        }
    }

    func isNullSchema(_ node: JSONNode) -> Bool {
        guard case .object(let members) = node.value, members.count == 1, members[0].key == "type" else { return false }
        return members[0].value.value == .string("null")
    }

    func rejectKeys(_ keys: [String], in schema: AsyncAPIObject, because reason: String) throws(RRGenError) {
        for key in keys where schema.has(key) {
            throw RRGenError(
                path: schema.path.appending(key), message: "'\(key)' is not supported here: \(reason)",
                location: schema.keyLocation(key))
        }
    }
}

extension JSONNode {
    /// The value of an object member, or `nil`.
    func member(_ key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }
}
