import CoreMetrics
import Foundation
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
    /// Generated `register(on:)` methods call this; you rarely need to. A request whose payload
    /// does not decode is answered on the operation's error path with the modeled error built
    /// from `{"code": 400, "message": …}` (and its correlation token, when it can be read), or
    /// that document itself when the modeled error has other required members, so the caller
    /// fails at once instead of waiting for its timeout. Handlers read the request's
    /// ``RequestResponse/RequestHandlerContext`` from `RequestHandlerContext.current`.
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
        let outcomes = ServiceOutcomeMetrics(operation: operation.name)
        return try await serve(topicFilter: operation.publishTopic.subscriptionFilter, operationName: operation.name) {
            [weak self] incoming in
            await self?.answer(incoming, operation: operation, logger: logger, outcomes: outcomes, handler: handler)
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
        outcomes: ServiceOutcomeMetrics, handler: @Sendable (Input) async throws(Modeled) -> Output
    ) async {
        guard let placeholders = operation.publishTopic.match(incoming.topic) else {
            logger.debug("request on an unexpected topic", metadata: ["mqtt.topic": "\(incoming.topic)"])
            return
        }
        let request: Input
        do {
            request = try ServiceCoding.decode(Input.self, from: incoming.payload, topicPlaceholders: placeholders)
        } catch {
            logger.debug(
                "undecodable request",
                metadata: ["mqtt.topic": "\(incoming.topic)", "mqtt.error": "\(error)"])
            outcomes.undecodable.increment()
            answerUndecodable(
                incoming, operation: operation, placeholders: placeholders, error: error, logger: logger)
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

        switch result {
        case .success: outcomes.success.increment()
        case .failure: outcomes.modeledError.increment()
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
                try reply(to: incoming, topic: responseTopic, payload: payload)
            } else {
                var properties = MQTTProperties()
                if isError { properties.userProperties.append(ServiceResponseRoute.errorUserProperty) }
                try reply(to: incoming, payload: payload, properties: properties)
            }
        } catch {
            logger.info("cannot publish the response", metadata: ["mqtt.error": "\(error)"])
        }
    }

    /// Answers a request whose payload does not decode with the operation's error response.
    private func answerUndecodable<Input, Output, Modeled>(
        _ incoming: IncomingRequest, operation: ServiceOperationDescriptor<Input, Output, Modeled>,
        placeholders: [String: String], error: any Error, logger: Logger
    ) {
        guard
            let route = operation.responses.first(where: \.isError)
                ?? operation.responses.first(where: { $0.topic == nil })
        else {
            logger.debug("the operation has no error path to answer an undecodable request on")
            return
        }
        var document: [String: ServiceJSONValue] = [
            "code": .number(400),
            "message": .string("the request payload does not decode as \(Input.self): \(error)"),
            "timestamp": .number(Date().timeIntervalSince1970.rounded(.down)),
        ]
        if case .token(let jsonPath, _, _, _) = operation.correlation.kind,
            case .object(let request)? = try? ServiceCoding.decode(ServiceJSONValue.self, from: incoming.payload),
            case .string(let token)? = request[jsonPath]
        {
            document[jsonPath] = .string(token)
        }
        let payload: ByteBuffer
        do {
            let raw = try ServiceCoding.encode(ServiceJSONValue.object(document))
            if let modeled = try? ServiceCoding.decode(Modeled.self, from: raw) {
                payload = try ServiceCoding.encode(modeled)
            } else {
                payload = raw
            }
        } catch {
            logger.info("cannot encode the error response", metadata: ["mqtt.error": "\(error)"])
            return
        }
        do {
            if let topic = route.topic {
                try reply(to: incoming, topic: try topic.render(placeholders), payload: payload)
            } else {
                var properties = MQTTProperties()
                properties.userProperties.append(ServiceResponseRoute.errorUserProperty)
                try reply(to: incoming, payload: payload, properties: properties)
            }
        } catch {
            logger.info("cannot publish the error response", metadata: ["mqtt.error": "\(error)"])
        }
    }
}

/// The outcomes of a generated operation's requests, counted as
/// `mqtt_rpc_server_responses_total{operation, outcome}` (`success`, `modeled_error`, `undecodable`).
struct ServiceOutcomeMetrics: Sendable {
    static let label = "mqtt_rpc_server_responses_total"

    let success: Counter
    let modeledError: Counter
    let undecodable: Counter

    init(operation: String) {
        success = Counter(label: Self.label, dimensions: [("operation", operation), ("outcome", "success")])
        modeledError = Counter(label: Self.label, dimensions: [("operation", operation), ("outcome", "modeled_error")])
        undecodable = Counter(label: Self.label, dimensions: [("operation", operation), ("outcome", "undecodable")])
    }
}
