public import Logging
import MQTT5
import NIOCore
public import RequestResponse

extension RequestResponder {
    /// Serves one operation of a generated service: subscribes to the request topic with `+` in
    /// place of each placeholder, then for every request decodes it (topic-bound members from
    /// the topic), calls `handler`, and publishes the response or the modeled error on the
    /// operation's response paths, echoing the correlation token or correlation data.
    ///
    /// Generated `register(on:)` methods call this; you rarely need to. Requests whose topic or
    /// payload do not decode are logged and left unanswered.
    ///
    /// - Parameters:
    ///   - operation: The operation's descriptor.
    ///   - logger: Where undecodable requests and failed responses are reported; by default the
    ///     responder's ``RequestResponder/logger``. Every line carries `mqtt.operation`.
    ///   - handler: Answers one request, or throws the modeled error.
    /// - Returns: The registration; cancel it to stop serving.
    /// - Throws: `RequestResponseError` when the subscription fails.
    public func serve<Input, Output, Modeled>(
        _ operation: ServiceOperationDescriptor<Input, Output, Modeled>,
        logger: Logger? = nil,
        handler: @escaping @Sendable (Input) async throws(Modeled) -> Output
    ) async throws(RequestResponseError) -> ResponderRegistration {
        var operationLogger = logger ?? self.logger
        operationLogger[metadataKey: "mqtt.operation"] = "\(operation.name)"
        let logger = operationLogger
        return try await serve(topicFilter: operation.publishTopic.subscriptionFilter) { [weak self] incoming in
            await self?.answer(incoming, operation: operation, logger: logger, handler: handler)
        }
    }

    /// Cancels registrations, in order.
    public func unregister(_ registrations: [ResponderRegistration]) async {
        for registration in registrations {
            await registration.cancel()
        }
    }

    private func answer<Input, Output, Modeled>(
        _ incoming: IncomingRequest, operation: ServiceOperationDescriptor<Input, Output, Modeled>, logger: Logger,
        handler: @Sendable (Input) async throws(Modeled) -> Output
    ) async {
        guard let placeholders = operation.publishTopic.match(incoming.topic) else {
            logger.debug("request on an unexpected topic", metadata: ["mqtt.topic": "\(incoming.topic)"])
            return
        }
        let request: Input
        do {
            request = try ServiceCoding.decode(Input.self, from: incoming.payload, topicPlaceholders: placeholders)
        } catch {
            logger.info(
                "undecodable request",
                metadata: ["mqtt.topic": "\(incoming.topic)", "mqtt.error": "\(error)"])
            return
        }

        var result: Result<Output, Modeled>
        do throws(Modeled) {
            result = .success(try await handler(request))
        } catch {
            result = .failure(error)
        }
        if case .token(_, let requestToken, let responseToken, let errorToken) = operation.correlation.kind {
            let token = request[keyPath: requestToken]
            switch result {
            case .success(var output):
                output[keyPath: responseToken] = token
                result = .success(output)
            case .failure(var error):
                if let errorToken { error[keyPath: errorToken] = token }
                result = .failure(error)
            }
        }

        let isError: Bool
        let payload: ByteBuffer
        do {
            switch result {
            case .success(let output):
                isError = false
                payload = try ServiceCoding.encode(output)
            case .failure(let error):
                isError = true
                payload = try ServiceCoding.encode(error)
            }
        } catch {
            logger.info("cannot encode the response", metadata: ["mqtt.error": "\(error)"])
            return
        }
        guard let route = operation.responses.first(where: { $0.isError == isError }) else {
            logger.info("the operation has no response path for this outcome")
            return
        }
        do {
            if let topic = route.topic {
                let responseTopic = try topic.render(operation.topicParameters(request))
                try await respond(to: incoming, topic: responseTopic, payload: payload)
            } else {
                var properties = MQTTProperties()
                if isError { properties.userProperties.append(ServiceResponseRoute.errorUserProperty) }
                try await respond(to: incoming, payload: payload, properties: properties)
            }
        } catch {
            logger.info("cannot publish the response", metadata: ["mqtt.error": "\(error)"])
        }
    }
}
