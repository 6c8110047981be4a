import CoreMetrics

/// The swift-metrics instruments of one operation served by a responder, made once at
/// registration (no look-up per request). No-ops until the application bootstraps a backend.
///
/// - `mqtt_rpc_server_requests_total{operation, outcome}`: `handled` (a handler ran),
///   `expired` (dropped: expired before it started), `deadline_exceeded` (the handler was
///   cancelled at the deadline), `deduplicated` (a retry answered from the cache or dropped
///   while the original runs).
/// - `mqtt_rpc_server_handler_duration_seconds{operation}`: a timer of the handler's run.
/// - `mqtt_rpc_server_handlers_in_flight{operation}`: a meter of handlers running.
struct ResponderMetrics: Sendable {
    static let requestsLabel = "mqtt_rpc_server_requests_total"
    static let durationLabel = "mqtt_rpc_server_handler_duration_seconds"
    static let inFlightLabel = "mqtt_rpc_server_handlers_in_flight"

    let handled: Counter
    let expired: Counter
    let deadlineExceeded: Counter
    let deduplicated: Counter
    let duration: Timer
    let inFlight: Meter

    init(operation: String) {
        func counter(_ outcome: String) -> Counter {
            Counter(label: Self.requestsLabel, dimensions: [("operation", operation), ("outcome", outcome)])
        }
        handled = counter("handled")
        expired = counter("expired")
        deadlineExceeded = counter("deadline_exceeded")
        deduplicated = counter("deduplicated")
        duration = Timer(label: Self.durationLabel, dimensions: [("operation", operation)])
        inFlight = Meter(label: Self.inFlightLabel, dimensions: [("operation", operation)])
    }
}
