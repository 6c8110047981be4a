/// Renders `<Service>+Client.swift`: `ClientProtocol` (one method per operation and stream),
/// `Client` over a `RequestResponseClient`, and convenience overloads that take the request's
/// members as parameters.
struct ClientRenderer {
    let context: RenderContext

    var model: ServiceModel { context.model }

    func render() -> String {
        var writer = SwiftWriter()
        writer.line(context.header)
        writer.line()
        let parameterMembers =
            model.operations.flatMap(flattenedMembers)
            + model.streams.flatMap { stream in stream.request.flatMap { model.structure($0)?.members } ?? [] }
        var modules: [(name: String, usedPublicly: Bool)] = []
        if context.usesFoundation(parameterMembers) { modules.append(("Foundation", true)) }
        modules.append(("MQTTServiceRuntime", true))
        modules.append(("RequestResponse", true))
        for importLine in context.imports(modules) { writer.line(importLine) }
        writer.line()
        writer.block("extension \(model.name) {") { writer in
            renderProtocol(into: &writer)
            writer.line()
            renderClient(into: &writer)
        }
        writer.line()
        renderConveniences(into: &writer)
        return writer.text
    }

    // MARK: Signatures

    func errorType(_ operation: OperationModel, qualified: Bool = false) -> String {
        let modeled = operation.error.map { qualified ? "\(model.name).\($0)" : $0 } ?? "Never"
        return "ServiceError<\(modeled)>"
    }

    func qualify(_ name: String, _ qualified: Bool) -> String { qualified ? "\(model.name).\(name)" : name }

    func operationSignature(_ operation: OperationModel) -> String {
        "func \(operation.methodName)(_ request: \(operation.request), timeout: Duration?) async throws(\(errorType(operation))) -> \(operation.response)"
    }

    func streamSignature(_ stream: StreamModel) -> String {
        let parameter = stream.request.map { "_ request: \($0)" } ?? ""
        return
            "func \(stream.methodName)(\(parameter)) throws(ServiceError<Never>) -> ServiceEventStream<\(stream.event)>"
    }

    func operationDocumentation(_ operation: OperationModel, requestParameter: Bool) -> String {
        var text = operation.documentation ?? "Calls `\(operation.name)`."
        text += "\n\n- Parameters:"
        if requestParameter {
            var requestDoc = "  - request: The request. Topic-bound members fill the topic and stay out of the payload."
            if case .token(let jsonName, _, _, _) = operation.correlation {
                requestDoc += " A `nil` `\(jsonName)` is replaced by a fresh UUID."
            }
            text += "\n" + requestDoc
        } else {
            for member in flattenedMembers(operation) {
                text +=
                    "\n  - \(member.swiftName): \(context.summary(member.documentation ?? "The `\(member.name)` member."))"
            }
        }
        if let milliseconds = operation.defaultTimeoutMilliseconds {
            text +=
                "\n  - timeout: How long to wait for the response; `nil` waits the operation's default, \(milliseconds) ms."
        } else {
            text +=
                "\n  - timeout: How long to wait for the response; `nil` uses the request-response client's operation timeout."
        }
        text += "\n- Returns: The decoded `\(operation.response)`."
        if let error = operation.error {
            text +=
                "\n- Throws: ``ServiceError/rejected(_:)`` with the service's `\(error)` when it rejects the request; other ``ServiceError`` cases for an invalid request, a transport failure or an undecodable response."
        } else {
            text +=
                "\n- Throws: ``ServiceError`` for an invalid request, a transport failure or an undecodable response."
        }
        return text
    }

    func streamDocumentation(_ stream: StreamModel, flattened: Bool) -> String {
        let text = stream.documentation ?? "Subscribes to `\(stream.name)` events."
        let members = stream.request.flatMap { model.structure($0)?.members } ?? []
        var tags: [String] = []
        if flattened {
            if !members.isEmpty { tags.append("- Parameters:") }
            for member in members {
                tags.append(
                    "  - \(member.swiftName): \(context.summary(member.documentation ?? "The `\(member.name)` member."))"
                )
            }
        } else if stream.request != nil {
            tags.append("- Parameter request: Fills the topic placeholders.")
        }
        tags.append(
            "- Returns: An open stream of events, subscription-status changes and decoding failures; it unsubscribes when closed or released."
        )
        tags.append(
            "- Throws: ``ServiceError/invalidRequest(_:)`` for a placeholder value that is not a valid topic level, ``ServiceError/transport(_:)`` when the stream cannot be opened."
        )
        return text + "\n\n" + tags.joined(separator: "\n")
    }

    /// Request members a convenience overload takes as parameters (all but the token).
    func flattenedMembers(_ operation: OperationModel) -> [MemberModel] {
        let members = model.structure(operation.request)?.members ?? []
        guard case .token(let jsonName, _, _, _) = operation.correlation else { return members }
        return members.filter { $0.name != jsonName }
    }

    // MARK: Protocol and client

    func renderProtocol(into writer: inout SwiftWriter) {
        writer.doc("The client side of \(model.name): one method per operation and per stream.")
        writer.doc(
            "\n``Client`` implements it over a `RequestResponseClient`; implement it yourself to stub the\nservice in tests. Convenience overloads that take request members as parameters come with it."
        )
        writer.block("\(context.access)protocol ClientProtocol: Sendable {") { writer in
            var first = true
            for operation in model.operations {
                if !first { writer.line() }
                first = false
                writer.doc(operationDocumentation(operation, requestParameter: true))
                writer.line(operationSignature(operation))
            }
            for stream in model.streams {
                if !first { writer.line() }
                first = false
                writer.doc(streamDocumentation(stream, flattened: false))
                writer.line(streamSignature(stream))
            }
        }
    }

    func renderClient(into writer: inout SwiftWriter) {
        let access = context.access
        writer.doc("A client of \(model.name) over a `RequestResponseClient`.")
        writer.block("\(access)struct Client: ClientProtocol {") { writer in
            writer.doc("The request-response client every call goes through.")
            writer.line("\(access)let requestResponseClient: RequestResponseClient")
            writer.line()
            writer.doc(
                "Creates a client.\n\n- Parameter requestResponseClient: The request-response client to call through; it may be shared\n  with other service clients, which then share its subscription budget."
            )
            writer.block("\(access)init(_ requestResponseClient: RequestResponseClient) {") { writer in
                writer.line("self.requestResponseClient = requestResponseClient")
            }
            for operation in model.operations {
                writer.line()
                writer.doc(operationDocumentation(operation, requestParameter: true))
                writer.block("\(access)\(operationSignature(operation)) {") { writer in
                    let timeout =
                        operation.defaultTimeoutMilliseconds.map { "timeout ?? .milliseconds(\($0))" } ?? "timeout"
                    writer.line(
                        "try await requestResponseClient.perform(Operations.\(operation.methodName), request, timeout: \(timeout))"
                    )
                }
            }
            for stream in model.streams {
                writer.line()
                writer.doc(streamDocumentation(stream, flattened: false))
                writer.block("\(access)\(streamSignature(stream)) {") { writer in
                    let argument = stream.request == nil ? "()" : "request"
                    writer.line(
                        "try requestResponseClient.openStream(Streams.\(SwiftNaming.lowercasingLeadingWord(stream.name)), \(argument))"
                    )
                }
            }
        }
    }

    // MARK: Conveniences

    func renderConveniences(into writer: inout SwiftWriter) {
        let access = context.access
        writer.block("extension \(model.name).ClientProtocol {") { writer in
            var first = true
            for operation in model.operations {
                if !first { writer.line() }
                first = false
                let errorType = errorType(operation, qualified: true)
                let request = qualify(operation.request, true)
                let response = qualify(operation.response, true)
                writer.doc(operationDocumentation(operation, requestParameter: true).replacingTimeoutParameter())
                writer.block(
                    "\(access)func \(operation.methodName)(_ request: \(request)) async throws(\(errorType)) -> \(response) {"
                ) { writer in
                    writer.line("try await \(operation.methodName)(request, timeout: nil)")
                }
                writer.line()
                let members = flattenedMembers(operation)
                var parameters = members.map { member in
                    let defaultValue = context.memberDefault(member).map { " = \($0)" } ?? ""
                    return "\(member.swiftName): \(context.memberType(member, qualified: true))\(defaultValue)"
                }
                parameters.append("timeout: Duration? = nil")
                writer.doc(operationDocumentation(operation, requestParameter: false))
                writer.block(
                    "\(access)func \(operation.methodName)(\(parameters.joined(separator: ", "))) async throws(\(errorType)) -> \(response) {"
                ) { writer in
                    let arguments = members.map { "\($0.swiftName): \($0.swiftName)" }.joined(separator: ", ")
                    writer.line("try await \(operation.methodName)(\(request)(\(arguments)), timeout: timeout)")
                }
            }
            for stream in model.streams {
                guard let requestName = stream.request, let members = model.structure(requestName)?.members else {
                    continue
                }
                if !first { writer.line() }
                first = false
                let parameters = members.map { "\($0.swiftName): \(context.memberType($0, qualified: true))" }
                writer.doc(streamDocumentation(stream, flattened: true))
                let event = qualify(stream.event, true)
                writer.block(
                    "\(access)func \(stream.methodName)(\(parameters.joined(separator: ", "))) throws(ServiceError<Never>) -> ServiceEventStream<\(event)> {"
                ) { writer in
                    let arguments = members.map { "\($0.swiftName): \($0.swiftName)" }.joined(separator: ", ")
                    writer.line("try \(stream.methodName)(\(qualify(requestName, true))(\(arguments)))")
                }
            }
        }
    }
}

extension String {
    /// Drops the `timeout` parameter line from generated documentation.
    func replacingTimeoutParameter() -> String {
        split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("  - timeout:") }
            .joined(separator: "\n")
    }
}
