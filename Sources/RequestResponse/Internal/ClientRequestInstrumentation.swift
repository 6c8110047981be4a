import CoreMetrics
import MQTT5
import NIOCore
import Tracing

/// The swift-metrics instruments of a ``RequestResponseClient``; no-ops until the application
/// bootstraps a backend.
///
/// - `mqtt_rpc_client_requests_total{outcome}`: `success` or the error code (`timeout`, …).
/// - `mqtt_rpc_client_request_duration_seconds`: a timer from the call to its completion.
struct ClientRequestMetrics: Sendable {
    static let requestsLabel = "mqtt_rpc_client_requests_total"
    static let durationLabel = "mqtt_rpc_client_request_duration_seconds"

    let success = Counter(label: Self.requestsLabel, dimensions: [("outcome", "success")])
    let duration = Timer(label: Self.durationLabel)

    func failure(_ code: RequestResponseError.Code) -> Counter {
        Counter(label: Self.requestsLabel, dimensions: [("outcome", "\(code)")])
    }
}

/// Gauges of the subscriptions a ``RequestResponseClient`` holds against its budgets:
/// `mqtt_rpc_client_subscriptions{kind}` and `mqtt_rpc_client_subscription_budget{kind}`, with
/// `kind` `request_response` or `streaming`. Recorded on every SUBACK and UNSUBACK.
struct ClientSubscriptionMetrics: Sendable {
    static let usedLabel = "mqtt_rpc_client_subscriptions"
    static let budgetLabel = "mqtt_rpc_client_subscription_budget"

    let requestResponse = Gauge(label: Self.usedLabel, dimensions: [("kind", "request_response")])
    let streaming = Gauge(label: Self.usedLabel, dimensions: [("kind", "streaming")])

    init(_ configuration: SubscriptionManager.Configuration) {
        Gauge(label: Self.budgetLabel, dimensions: [("kind", "request_response")])
            .record(configuration.maxRequestResponseSubscriptions)
        Gauge(label: Self.budgetLabel, dimensions: [("kind", "streaming")])
            .record(configuration.maxStreamingSubscriptions)
    }

    func record(_ statistics: RequestResponseStatistics) {
        requestResponse.record(statistics.requestResponseSubscriptions)
        streaming.record(statistics.streamingSubscriptions)
    }
}

/// Wraps a client request in a client span (its trace context injected into the request's
/// user properties, MQTT 5) and records its metrics.
enum ClientRequestInstrumentation {
    static func instrument(
        _ request: PreparedRequest, metrics: ClientRequestMetrics,
        _ send: (PreparedRequest) async -> Result<RequestResponseClient.Response, RequestResponseError>
    ) async -> Result<RequestResponseClient.Response, RequestResponseError> {
        let clock = ContinuousClock()
        let start = clock.now
        let result: Result<RequestResponseClient.Response, RequestResponseError>
        if TraceContextPropagation.instrumentIsNoOp {
            result = await send(request)
        } else {
            result = await withSpan(request.publishTopic, ofKind: .client) { span in
                var request = request
                if span.isRecording { span.attributes["messaging.destination.name"] = request.publishTopic }
                TraceContextPropagation.inject(span.context, into: &request.properties)
                let result = await send(request)
                if case .failure(let error) = result {
                    span.setStatus(SpanStatus(code: .error, message: "\(error.code)"))
                }
                return result
            }
        }
        let elapsed = start.duration(to: clock.now).components
        metrics.duration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        switch result {
        case .success: metrics.success.increment()
        case .failure(let error): metrics.failure(error.code).increment()
        }
        return result
    }
}

extension RequestResponseStateMachine {
    /// The Message Expiry Interval for a request due at `deadline`: the remaining time in whole
    /// seconds, rounded up (at least 1).
    static func expiryInterval(until deadline: NIODeadline, now: NIODeadline) -> UInt32 {
        let remaining = max(Int64(0), (deadline - now).nanoseconds)
        return UInt32(clamping: max(1, (remaining + 999_999_999) / 1_000_000_000))
    }
}
