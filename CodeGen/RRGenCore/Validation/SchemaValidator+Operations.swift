extension SchemaValidator {
    /// The structure named by `reference`, reporting unknown shapes and enums.
    mutating func structureMembers(_ reference: Sourced<String>, role: String) -> [MemberModel]? {
        guard let shape = shapesByName[reference.value] else {
            report(reference, unknownShapeMessage(reference.value))
            return nil
        }
        guard case .structure = shape.kind else {
            report(reference, "'\(reference.value)' is an enum; \(role) must be a structure")
            return nil
        }
        return memberModels[reference.value] ?? []
    }

    /// Parses a topic, reporting what is wrong.
    mutating func parseTopic(_ topic: Sourced<String>, allowWildcards: Bool) -> SchemaTopicTemplate? {
        switch SchemaTopicTemplate.parse(topic.value, allowWildcards: allowWildcards) {
        case .success(let template):
            return template
        case .failure(let error):
            report(topic, error.message)
            return nil
        }
    }

    /// Checks that every placeholder of `template` names a member of `request` usable in a topic.
    mutating func checkPlaceholders(
        _ template: SchemaTopicTemplate, at topic: Sourced<String>, request: String, members: [MemberModel],
        alreadyChecked: inout Set<String>
    ) -> Bool {
        var valid = true
        for placeholder in template.placeholders where alreadyChecked.insert(placeholder).inserted {
            guard let member = members.first(where: { $0.name == placeholder }) else {
                report(topic, "placeholder {\(placeholder)} is not a member of \(request)")
                valid = false
                continue
            }
            if !member.isRequired || member.isNullable {
                report(
                    topic,
                    "placeholder {\(placeholder)} is bound to \(member.isNullable ? "nullable" : "optional") member '\(placeholder)' of \(request); topic members must be required"
                )
                valid = false
                continue
            }
            switch member.type {
            case .primitive(.string), .primitive(.integer), .primitive(.long), .enumeration:
                break
            default:
                report(
                    topic,
                    "placeholder {\(placeholder)} is bound to member '\(placeholder)' of type \(member.type.schemaDescription); topic members must be string, integer, long or an enum"
                )
                valid = false
            }
        }
        return valid
    }

    mutating func claimMethodName(_ methodName: String, owner: String, at name: Sourced<String>) -> Bool {
        if SwiftNaming.reservedWords.contains(methodName) {
            report(name, "method name '\(methodName)' is a reserved Swift word")
            return false
        }
        if let other = methodNames[methodName] {
            report(name, "method name '\(methodName)' is already used by \(other)")
            return false
        }
        methodNames[methodName] = owner
        return true
    }

    mutating func validateOperation(_ operation: OperationSchema) -> OperationModel? {
        let name = operation.name
        var valid = true
        if !SwiftNaming.isIdentifier(name.value) {
            report(name, "'\(name.value)' is not a valid operation name (letters, digits and '_')")
            return nil
        }
        let methodName = SwiftNaming.lowercasingLeadingWord(name.value)
        valid = claimMethodName(methodName, owner: "operations.\(name.value)", at: name) && valid

        let requestMembers = structureMembers(operation.request, role: "a request")
        let publishTopic = parseTopic(operation.publishTopic, allowWildcards: false)

        // Subscriptions and responses depend on the correlation mode.
        let correlation = operation.correlation
        let usesCorrelationData = correlation.value == .correlationData
        var subscriptions: [SchemaTopicTemplate] = []
        if usesCorrelationData {
            if let first = operation.subscriptions.first {
                report(
                    first.path.droppingLast(),
                    "correlation \"correlationData\" receives on the request-response layer's response topic; remove 'subscriptions'",
                    at: first.location)
                valid = false
            }
        } else if operation.subscriptions.isEmpty {
            report(
                operation.path, "missing 'subscriptions': at least one topic filter is needed to receive responses",
                at: name.location)
            valid = false
        }
        for subscription in operation.subscriptions where !usesCorrelationData {
            if let filter = parseTopic(subscription, allowWildcards: true) {
                subscriptions.append(filter)
            } else {
                valid = false
            }
        }

        var responses: [ResponseModel] = []
        var successShape: Sourced<String>?
        var errorShape: Sourced<String>?
        var seenTopics: [String: Int] = [:]
        if operation.responses.isEmpty {
            report(operation.path.appending("responses"), "an operation needs at least one response", at: name.location)
            valid = false
        }
        for (index, response) in operation.responses.enumerated() {
            if structureMembers(response.shape, role: "a response") == nil { valid = false }
            nonRequestUses.append((response.shape.value, response.shape.path, response.shape.location, "a response"))
            if response.isError {
                errorShapes.insert(response.shape.value)
                if let errorShape, errorShape.value != response.shape.value {
                    report(
                        response.shape,
                        "every error response must decode to the same shape (\(errorShape.value)), found \(response.shape.value)"
                    )
                    valid = false
                }
                errorShape = errorShape ?? response.shape
            } else {
                if let successShape, successShape.value != response.shape.value {
                    report(
                        response.shape,
                        "every success response must decode to the same shape (\(successShape.value)), found \(response.shape.value)"
                    )
                    valid = false
                }
                successShape = successShape ?? response.shape
            }
            var template: SchemaTopicTemplate?
            switch (response.topic, usesCorrelationData) {
            case (let topic?, true):
                report(
                    topic,
                    "with correlation \"correlationData\" responses have no topic; the request-response layer chooses it"
                )
                valid = false
            case (nil, false):
                report(
                    response.path,
                    "missing 'topic': a response topic is required unless correlation is \"correlationData\"")
                valid = false
            case (let topic?, false):
                template = parseTopic(topic, allowWildcards: false)
                if let template {
                    if let other = seenTopics[template.text] {
                        report(topic, "topic '\(template.text)' is already used by responses[\(other)]")
                        valid = false
                    }
                    seenTopics[template.text] = index
                    if !subscriptions.isEmpty, !subscriptions.contains(where: { $0.matches(template) }) {
                        report(topic, "response topic '\(template.text)' is not covered by any subscription filter")
                        valid = false
                    }
                } else {
                    valid = false
                }
            case (nil, true):
                break
            }
            responses.append(ResponseModel(topic: template, isError: response.isError))
        }
        if successShape == nil && !operation.responses.isEmpty {
            report(
                operation.path.appending("responses"), "no success response (one without \"error\": true)",
                at: name.location)
            valid = false
        }

        // Placeholders bind request members, which then stay out of the payload.
        var boundMembers: [String] = []
        if let requestMembers {
            var templates: [(SchemaTopicTemplate, Sourced<String>)] = []
            if let publishTopic { templates.append((publishTopic, operation.publishTopic)) }
            for (filter, source) in zip(subscriptions, operation.subscriptions) { templates.append((filter, source)) }
            for (response, source) in zip(responses, operation.responses) {
                if let topic = response.topic, let text = source.topic { templates.append((topic, text)) }
            }
            let publishPlaceholders = publishTopic?.placeholders ?? []
            var checked: Set<String> = []
            for (index, (template, source)) in templates.enumerated() {
                valid =
                    checkPlaceholders(
                        template, at: source, request: operation.request.value, members: requestMembers,
                        alreadyChecked: &checked) && valid
                if publishTopic != nil, index > 0,
                    let extra = template.placeholders.first(where: { !publishPlaceholders.contains($0) })
                {
                    report(
                        source,
                        "placeholder {\(extra)} is not in the publish topic, so a service could not know its value")
                    valid = false
                }
                for placeholder in template.placeholders where !boundMembers.contains(placeholder) {
                    boundMembers.append(placeholder)
                }
            }
            boundMembers = requestMembers.map(\.name).filter(boundMembers.contains)
            recordBinding(request: operation.request, members: boundMembers, owner: "operations.\(name.value)")
            for member in requestMembers where member.swiftName == "timeout" {
                if case .token(let token) = correlation.value, token == member.name { continue }
                report(
                    operation.request,
                    "member '\(member.name)' of \(operation.request.value) collides with the 'timeout' parameter of the generated \(methodName) method; set its \"swiftName\""
                )
                valid = false
            }
        }

        let correlationModel = validateCorrelation(
            correlation, operation: operation, requestMembers: requestMembers, boundMembers: boundMembers,
            successShape: successShape, errorShape: errorShape)
        var timeoutMilliseconds: Int?
        if let timeout = operation.defaultTimeout {
            let milliseconds = (timeout.value * 1000).rounded()
            if timeout.value.isFinite, milliseconds >= 1, milliseconds <= 86_400_000 {
                timeoutMilliseconds = Int(milliseconds)
            } else {
                report(
                    timeout.path, "a timeout is a number of seconds from 0.001 to 86400, found \(timeout.value)",
                    at: timeout.location)
                valid = false
            }
        }
        guard valid, let correlationModel, let publishTopic, let successShape, requestMembers != nil else { return nil }
        return OperationModel(
            name: name.value, methodName: methodName, documentation: operation.documentation,
            request: operation.request.value,
            response: successShape.value, error: errorShape?.value, publishTopic: publishTopic,
            subscriptions: subscriptions,
            responses: responses, correlation: correlationModel, defaultTimeoutMilliseconds: timeoutMilliseconds)
    }

    private mutating func validateCorrelation(
        _ correlation: Sourced<CorrelationSchema>, operation: OperationSchema, requestMembers: [MemberModel]?,
        boundMembers: [String], successShape: Sourced<String>?, errorShape: Sourced<String>?
    ) -> CorrelationModel? {
        switch correlation.value {
        case .none:
            return CorrelationModel.none
        case .correlationData:
            return .correlationData
        case .token(let tokenName):
            let memberPath = correlation.path.appending("member")
            guard let requestMembers else { return nil }
            guard let requestMember = requestMembers.first(where: { $0.name == tokenName }) else {
                report(
                    memberPath, "'\(tokenName)' is not a member of \(operation.request.value)", at: correlation.location
                )
                return nil
            }
            if boundMembers.contains(tokenName) {
                report(
                    memberPath, "'\(tokenName)' is bound to a topic placeholder; the token must travel in the payload",
                    at: correlation.location)
                return nil
            }
            guard
                isOptionalString(
                    requestMember, in: operation.request.value, tokenPath: memberPath, location: correlation.location)
            else {
                return nil
            }
            var responseProperty: String?
            var errorProperty: String?
            for shape in [successShape, errorShape].compactMap({ $0 }) {
                guard let members = memberModels[shape.value] else { return nil }
                guard let member = members.first(where: { $0.name == tokenName }) else {
                    report(
                        memberPath,
                        "response shape \(shape.value) has no member '\(tokenName)' to carry the token back",
                        at: correlation.location)
                    return nil
                }
                guard isOptionalString(member, in: shape.value, tokenPath: memberPath, location: correlation.location)
                else { return nil }
                if shape.value == successShape?.value && responseProperty == nil { responseProperty = member.swiftName }
                if shape.value == errorShape?.value { errorProperty = member.swiftName }
            }
            guard let responseProperty else { return nil }
            return .token(
                jsonName: tokenName, requestProperty: requestMember.swiftName, responseProperty: responseProperty,
                errorProperty: errorProperty)
        }
    }

    private mutating func isOptionalString(
        _ member: MemberModel, in shape: String, tokenPath: JSONPath, location: SourceLocation?
    ) -> Bool {
        if member.type != .primitive(.string) || member.isRequired || member.isNullable {
            report(
                tokenPath,
                "member '\(member.name)' of \(shape) carries the correlation token and must be an optional, non-nullable string",
                at: location)
            return false
        }
        return true
    }

    /// Reports request-response subscription filters that would also receive a stream's events
    /// (the classic `update/+` catching `update/delta`).
    mutating func checkSubscriptionsAgainstStreams(operations: [OperationModel], streams: [StreamModel]) {
        let sources = Dictionary(uniqueKeysWithValues: schema.operations.map { ($0.name.value, $0) })
        for operation in operations {
            guard let source = sources[operation.name] else { continue }
            for (filter, filterSource) in zip(operation.subscriptions, source.subscriptions) {
                for stream in streams where !stream.topic.hasWildcards && filter.matches(stream.topic) {
                    report(
                        filterSource,
                        "filter '\(filter.text)' also matches the topic of stream \(stream.name) ('\(stream.topic.text)'); subscribe to the response topics themselves"
                    )
                }
            }
        }
    }
}

extension ResolvedType {
    /// The type as a schema author writes it, for diagnostics.
    var schemaDescription: String {
        switch self {
        case .primitive(let primitive): primitive.rawValue
        case .structure(let name), .enumeration(let name): name
        case .list(let element): "list of \(element.schemaDescription)"
        case .map(let key, let value): "map from \(key ?? "string") to \(value.schemaDescription)"
        }
    }
}

extension JSONPath {
    /// The path of the containing value.
    func droppingLast() -> JSONPath {
        JSONPath(components: Array(components.dropLast()))
    }
}
