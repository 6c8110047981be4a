/// Renders `<Service>+Operations.swift`: one descriptor per operation and stream, the data the
/// runtime needs to run them (topics, response routes, correlation, placeholder values).
///
/// Client and service glue both go through these descriptors, so the two halves cannot
/// disagree about a topic.
struct OperationsRenderer {
    let context: RenderContext

    func render() -> String {
        var writer = SwiftWriter()
        let model = context.model
        writer.line(context.header)
        writer.line()
        writer.line("import MQTTServiceRuntime")
        writer.line()
        writer.block("extension \(model.name) {") { writer in
            writer.doc("The descriptors of the service's request-response operations.")
            writer.block("enum Operations {") { writer in
                for (index, operation) in model.operations.enumerated() {
                    if index > 0 { writer.line() }
                    renderOperation(operation, into: &writer)
                }
            }
            if !model.streams.isEmpty {
                writer.line()
                writer.doc("The descriptors of the service's streams.")
                writer.block("enum Streams {") { writer in
                    for (index, stream) in model.streams.enumerated() {
                        if index > 0 { writer.line() }
                        renderStream(stream, into: &writer)
                    }
                }
            }
        }
        return writer.text
    }

    func renderOperation(_ operation: OperationModel, into writer: inout SwiftWriter) {
        let modeled = operation.error ?? "Never"
        writer.doc("`\(operation.name)`.")
        let type = "ServiceOperationDescriptor<\(operation.request), \(operation.response), \(modeled)>"
        writer.block("static let \(operation.methodName) = \(type)(", closer: ")") { writer in
            writer.line("name: \(swiftStringLiteral(operation.name)),")
            writer.line("publishTopic: \(swiftStringLiteral(operation.publishTopic.text)),")
            if operation.subscriptions.isEmpty {
                writer.line("subscriptionTopicFilters: [],")
            } else {
                writer.block("subscriptionTopicFilters: [", closer: "],") { writer in
                    for filter in operation.subscriptions { writer.line("\(swiftStringLiteral(filter.text)),") }
                }
            }
            writer.block("responses: [", closer: "],") { writer in
                for response in operation.responses {
                    let route = response.isError ? "error" : "success"
                    if let topic = response.topic {
                        writer.line(".\(route)(topic: \(swiftStringLiteral(topic.text))),")
                    } else {
                        writer.line(".\(route),")
                    }
                }
            }
            switch operation.correlation {
            case .none:
                writer.line("correlation: .none,")
            case .correlationData:
                writer.line("correlation: .correlationData,")
            case .token(let jsonName, let requestProperty, let responseProperty, let errorProperty):
                let error = errorProperty.map { "\\\(operation.error ?? "").\($0)" } ?? "nil"
                writer.line("correlation: .token(")
                writer.line("    jsonPath: \(swiftStringLiteral(jsonName)),")
                writer.line("    request: \\\(operation.request).\(requestProperty),")
                writer.line("    response: \\\(operation.response).\(responseProperty),")
                writer.line("    error: \(error)")
                writer.line("),")
            }
            let request = context.model.structure(operation.request)
            writer.line("topicParameters: \(topicParametersClosure(request?.members.filter(\.isTopicBound) ?? []))")
        }
    }

    func renderStream(_ stream: StreamModel, into writer: inout SwiftWriter) {
        writer.doc("`\(stream.name)`.")
        let type = "ServiceStreamDescriptor<\(stream.request ?? "Void"), \(stream.event)>"
        writer.block("static let \(SwiftNaming.lowercasingLeadingWord(stream.name)) = \(type)(", closer: ")") {
            writer in
            writer.line("name: \(swiftStringLiteral(stream.name)),")
            writer.line("topicFilter: \(swiftStringLiteral(stream.topic.text)),")
            let members = stream.request.flatMap { context.model.structure($0)?.members } ?? []
            writer.line("topicParameters: \(topicParametersClosure(members))")
        }
    }

    func topicParametersClosure(_ members: [MemberModel]) -> String {
        guard !members.isEmpty else { return "{ _ in [:] }" }
        let entries = members.map { "\(swiftStringLiteral($0.name)): \(context.topicValue($0, of: "request"))" }
        return "{ request in [\(entries.joined(separator: ", "))] }"
    }
}
