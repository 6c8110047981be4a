extension SchemaValidator {
    mutating func validateStream(_ stream: StreamSchema) -> StreamModel? {
        let name = stream.name
        if !SwiftNaming.isIdentifier(name.value) {
            report(name, "'\(name.value)' is not a valid stream name (letters, digits and '_')")
            return nil
        }
        let methodName = SwiftNaming.lowercasingLeadingWord(name.value) + "Events"
        var valid = claimMethodName(methodName, owner: "streams.\(name.value)", at: name)
        let topic = parseTopic(stream.topic, allowWildcards: true)
        if structureMembers(stream.event, role: "an event") == nil { valid = false }
        nonRequestUses.append((stream.event.value, stream.event.path, stream.event.location, "an event"))

        if let request = stream.request {
            guard let members = structureMembers(request, role: "a stream request") else { return nil }
            if let topic {
                var checked: Set<String> = []
                valid =
                    checkPlaceholders(
                        topic, at: stream.topic, request: request.value, members: members, alreadyChecked: &checked)
                    && valid
                for member in members where !topic.placeholders.contains(member.name) {
                    report(
                        request,
                        "member '\(member.name)' of \(request.value) is not a placeholder of the stream topic; a subscription has no payload to carry it"
                    )
                    valid = false
                }
            }
            recordBinding(request: request, members: members.map(\.name), owner: "streams.\(name.value)")
        } else if let topic, let placeholder = topic.placeholders.first {
            report(stream.topic, "placeholder {\(placeholder)} needs a \"request\" shape with a member of that name")
            valid = false
        }
        guard valid, let topic else { return nil }
        return StreamModel(
            name: name.value, methodName: methodName, documentation: stream.documentation,
            request: stream.request?.value,
            topic: topic, event: stream.event.value)
    }
}
