/// Renders `<Service>+Service.swift`: `ServiceProtocol` (one handler per operation) and
/// `register(on:)`, which serves the handlers through a `RequestResponder`.
struct ServiceRenderer {
    let context: RenderContext

    var model: ServiceModel { context.model }

    func handlerSignature(_ operation: OperationModel) -> String {
        let throwsClause = operation.error.map { " throws(\($0))" } ?? ""
        return
            "func \(operation.methodName)(_ request: \(operation.request)) async\(throwsClause) -> \(operation.response)"
    }

    func handlerDocumentation(_ operation: OperationModel) -> String {
        var text = operation.documentation ?? "Handles `\(operation.name)`."
        let echo: String
        switch operation.correlation {
        case .token(let jsonName, _, _, _): echo = " with the request's `\(jsonName)`"
        case .correlationData: echo = " with the request's correlation data"
        case .none: echo = ""
        }
        let successTopic =
            operation.responses.first { !$0.isError }?.topic.map { "`\($0.text)`" } ?? "the request's response topic"
        text += "\n\n- Parameter request: The decoded request; topic-bound members come from the request topic."
        text += "\n- Returns: The response, published to \(successTopic)\(echo)."
        if let error = operation.error {
            let errorTopic =
                operation.responses.first { $0.isError }?.topic.map { "`\($0.text)`" } ?? "the request's response topic"
            text += "\n- Throws: A `\(error)`, published to \(errorTopic)\(echo)."
        }
        return text
    }

    func render() -> String {
        var writer = SwiftWriter()
        let access = context.access
        writer.line(context.header)
        writer.line()
        for importLine in context.imports([("MQTTServiceRuntime", false), ("RequestResponse", true)]) {
            writer.line(importLine)
        }
        writer.line()
        writer.block("extension \(model.name) {") { writer in
            writer.doc(
                "The service side of \(model.name): implement one handler per operation, then call\n``register(on:)`` to serve them through a `RequestResponder`."
            )
            writer.block("\(access)protocol ServiceProtocol: Sendable {") { writer in
                for (index, operation) in model.operations.enumerated() {
                    if index > 0 { writer.line() }
                    writer.doc(handlerDocumentation(operation))
                    writer.line(handlerSignature(operation))
                }
            }
        }
        writer.line()
        writer.block("extension \(model.name).ServiceProtocol {") { writer in
            writer.doc(
                """
                Serves every operation of \(model.name) through `responder`.

                For each operation it subscribes to the request topic with `+` in place of each placeholder
                (waiting for the SUBACK), decodes each request (topic-bound members from the topic), calls
                the handler and publishes its response or modeled error. A request whose payload does not
                decode is answered on the error path, so the caller fails at once; handlers find the
                request's context (caller, deadline, logger) in `RequestHandlerContext.current`.

                - Parameter responder: The responder to serve through.
                - Returns: One registration per operation, in schema order.
                - Throws: `RequestResponseError` when a subscription fails; operations registered before
                  the failure are unregistered again.
                """)
            writer.block(
                "\(access)func register(on responder: RequestResponder) async throws(RequestResponseError) -> [ResponderRegistration] {"
            ) { writer in
                if model.operations.isEmpty {
                    writer.line("[]")
                    return
                }
                writer.line("var registrations: [ResponderRegistration] = []")
                writer.block("do throws(RequestResponseError) {", closer: "} catch {") { writer in
                    for operation in model.operations {
                        let descriptor = "\(model.name).Operations.\(operation.methodName)"
                        if let error = operation.error {
                            writer.block(
                                "registrations.append(try await responder.serve(\(descriptor)) { request throws(\(model.name).\(error)) in",
                                closer: "})"
                            ) { writer in
                                writer.line("try await self.\(operation.methodName)(request)")
                            }
                        } else {
                            writer.block(
                                "registrations.append(try await responder.serve(\(descriptor)) { request in",
                                closer: "})"
                            ) { writer in
                                writer.line("await self.\(operation.methodName)(request)")
                            }
                        }
                    }
                    writer.line("return registrations")
                }
                writer.line("    await responder.unregister(registrations)")
                writer.line("    throw error")
                writer.line("}")
            }
        }
        return writer.text
    }
}
