import Foundation
public import RequestResponse
import MQTT5
import NIOCore

extension RequestResponseClient {
    /// Runs one operation of a generated client: fills the correlation token and the topic
    /// placeholders, encodes the request (topic-bound members stay out of the payload), sends it
    /// through the request-response layer and decodes the response by the path it arrived on.
    ///
    /// Generated clients call this; you rarely need to.
    ///
    /// - Parameters:
    ///   - operation: The operation's descriptor.
    ///   - request: The request; a `nil` correlation token is replaced by a fresh UUID.
    ///   - timeout: Overrides the client's operation timeout.
    /// - Returns: The decoded success response.
    /// - Throws: ``ServiceError`` — ``ServiceError/rejected(_:)`` with the decoded modeled error
    ///   for an error response, otherwise why the call failed.
    public func perform<Input, Output, Modeled>(
        _ operation: ServiceOperationDescriptor<Input, Output, Modeled>, _ request: Input, timeout: Duration? = nil
    ) async throws(ServiceError<Modeled>) -> Output {
        var request = request
        var token: String?
        if case .token(_, let requestToken, _, _) = operation.correlation.kind {
            let value = request[keyPath: requestToken] ?? RandomUUIDString.make()
            request[keyPath: requestToken] = value
            token = value
        }
        let topics = try renderTopics(operation, for: request)
        let payload: ByteBuffer
        do {
            payload = try ServiceCoding.encode(request)
        } catch {
            throw .invalidRequest(
                ServiceRequestError(
                    operation: operation.name, message: "cannot encode the request: \(error)", cause: error))
        }

        let options: RequestResponseClient.RequestOptions
        if case .correlationData = operation.correlation.kind {
            options = .correlationData(publishTopic: topics.publishTopic, payload: payload)
        } else {
            options = RequestResponseClient.RequestOptions(
                subscriptionTopicFilters: topics.subscriptionTopicFilters, responsePaths: topics.responsePaths,
                publishTopic: topics.publishTopic, payload: payload, correlationToken: token)
        }

        let response: RequestResponseClient.Response
        do {
            response = try await self.request(options, timeout: timeout)
        } catch {
            throw .transport(error)
        }

        let isError: Bool
        if case .correlationData = operation.correlation.kind {
            isError = response.properties?.userProperties.contains(ServiceResponseRoute.errorUserProperty) ?? false
        } else if let index = response.responsePathIndex, topics.isError.indices.contains(index) {
            isError = topics.isError[index]
        } else {
            throw .decoding(
                ServiceDecodingError(
                    operation: operation.name, topic: response.topic, typeName: nil,
                    message: "the response arrived on a topic the operation does not expect",
                    payloadPreview: ServiceDecodingError.preview(response.payload)))
        }
        if isError {
            throw .rejected(try decodeResponse(Modeled.self, response, operation: operation.name, as: Modeled.self))
        }
        return try decodeResponse(Output.self, response, operation: operation.name, as: Modeled.self)
    }

    /// The operation's topics for `request`'s placeholder values (cached while they repeat: the
    /// cache is keyed by those values alone, so everything else here comes from the operation).
    private func renderTopics<Input, Output, Modeled>(
        _ operation: ServiceOperationDescriptor<Input, Output, Modeled>, for request: Input
    ) throws(ServiceError<Modeled>) -> RenderedTopics {
        let parameters = operation.topicParameters(request)
        return try operation.renderedTopics.topics(for: parameters) { () throws(ServiceError<Modeled>) in
            let name = operation.name
            var topics = RenderedTopics(
                publishTopic: try render(operation.publishTopic, parameters, operation: name, as: Modeled.self),
                subscriptionTopicFilters: [], responsePaths: [], isError: [])
            let tokenPath: String?
            switch operation.correlation.kind {
            case .correlationData: return topics
            case .none: tokenPath = nil
            case .token(let jsonPath, _, _, _): tokenPath = jsonPath
            }
            for filter in operation.subscriptionTopicFilters {
                topics.subscriptionTopicFilters.append(
                    try render(filter, parameters, operation: name, as: Modeled.self))
            }
            for route in operation.responses {
                guard let topic = route.topic else { continue }
                topics.responsePaths.append(
                    RequestResponseClient.ResponsePath(
                        topic: try render(topic, parameters, operation: name, as: Modeled.self),
                        correlationTokenJSONPath: tokenPath))
                topics.isError.append(route.isError)
            }
            return topics
        }
    }

    /// Opens one stream of a generated client.
    ///
    /// - Parameters:
    ///   - stream: The stream's descriptor.
    ///   - request: Fills the topic placeholders.
    /// - Returns: The open stream.
    /// - Throws: ``ServiceError/invalidRequest(_:)`` for an unusable placeholder value,
    ///   ``ServiceError/transport(_:)`` when the request-response layer refuses the stream.
    public func openStream<Input, Event>(
        _ stream: ServiceStreamDescriptor<Input, Event>, _ request: Input
    ) throws(ServiceError<Never>) -> ServiceEventStream<Event> {
        let filter = try render(
            stream.topicFilter, stream.topicParameters(request), operation: stream.name, as: Never.self)
        let operation: StreamingOperation
        do {
            operation = try streamingOperation(StreamingOperationOptions(topicFilter: filter))
            try operation.open()
        } catch {
            throw .transport(error)
        }
        return ServiceEventStream(name: stream.name, operation: operation)
    }

    private func render<Modeled>(
        _ template: ServiceTopicTemplate, _ parameters: [String: String], operation: String, as _: Modeled.Type
    ) throws(ServiceError<Modeled>) -> String {
        do {
            return try template.render(parameters)
        } catch {
            throw .invalidRequest(
                ServiceRequestError(operation: operation, message: error.description, placeholderError: error))
        }
    }

    private func decodeResponse<Value: Decodable, Modeled>(
        _ type: Value.Type, _ response: RequestResponseClient.Response, operation: String, as _: Modeled.Type
    ) throws(ServiceError<Modeled>) -> Value {
        do {
            return try ServiceCoding.decode(Value.self, from: response.payload)
        } catch {
            throw .decoding(
                ServiceDecodingError(
                    operation: operation, topic: response.topic, typeName: String(describing: Value.self),
                    message: String(describing: error), payloadPreview: ServiceDecodingError.preview(response.payload),
                    cause: error))
        }
    }
}

extension ServiceDecodingError {
    /// The first 256 characters of a payload as UTF-8 text (invalid bytes replaced).
    static func preview(_ payload: ByteBuffer) -> String {
        let text = String(decoding: payload.readableBytesView.prefix(1024), as: UTF8.self)
        return text.count > 256 ? String(text.prefix(256)) + "…" : text
    }
}
