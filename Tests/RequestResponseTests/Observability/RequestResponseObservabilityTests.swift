import Foundation
import InMemoryTracing
import MQTT5
import MQTT5Testing
import MetricsTestKit
import NIOCore
import RequestResponse
import Testing
import Synchronization
import Tracing

/// Metrics and traces of both sides, with in-memory backends.
@Suite("Observability: metrics and traces of client and service", .serialized, .timeLimit(.minutes(1)))
struct RequestResponseObservabilityTests {
    init() {
        ObservabilityBackends.bootstrap()
    }

    /// Serves `topic` (echo), sends one request through `rr` and returns the caller's and the
    /// service's spans.
    static func roundTrip(
        service: MQTTClient, rr: RequestResponseClient, topic: String
    ) async throws -> (client: FinishedInMemorySpan, server: FinishedInMemorySpan, properties: [MQTTUserProperty]) {
        let responder = RequestResponder(service)
        let seen = SeenProperties()
        _ = try await responder.serve(topicFilter: topic, operationName: "Echo-\(topic)") { request in
            seen.store(request.userProperties)
            try? await responder.respond(to: request, payload: request.payload)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await responder.run() }
            _ = try await rr.request(.correlationData(publishTopic: topic, payload: ByteBuffer(string: "hi")))
            // The handler's span ends after the response is on its way: wait for it.
            _ = await eventually {
                ObservabilityBackends.tracer.recorder.finishedSpans.contains { $0.operationName == "Echo-\(topic)" }
            }
            group.cancelAll()
        }
        let spans = ObservabilityBackends.tracer.recorder.finishedSpans
        let client = try #require(spans.first { $0.operationName == topic && $0.kind == .client })
        let server = try #require(spans.first { $0.operationName == "Echo-\(topic)" && $0.kind == .server })
        return (client, server, seen.load())
    }

    @Test("One trace spans caller and service: W3C trace context in user properties (embedded broker)")
    func tracePropagation() async throws {
        try await ServiceTestBed.withBed { bed in
            let (client, server, properties) = try await Self.roundTrip(
                service: bed.service, rr: bed.rr, topic: "obs/trace")
            #expect(server.traceID == client.traceID)
            #expect(server.parentSpanID == client.spanID)
            let traceparent = try #require(properties.first { $0.name == "traceparent" }?.value)
            #expect(traceparent == "00-\(client.traceID)-\(client.spanID)-01")
            #expect(properties.contains { $0.name == "tracestate" })
        }
    }

    @Test("Requests, outcomes, latency, in-flight and subscription gauges are recorded")
    func metricsRecorded() async throws {
        try await ServiceTestBed.withBed { bed in
            _ = try await Self.roundTrip(service: bed.service, rr: bed.rr, topic: "obs/metrics")
            let metrics = ObservabilityBackends.metrics
            // The service records the outcome after it has published the response, so the caller
            // can see the response first.
            #expect(
                await eventually {
                    (try? metrics.expectCounter(
                        "mqtt_rpc_server_requests_total", [("operation", "Echo-obs/metrics"), ("outcome", "handled")]))?
                        .totalValue == 1
                })
            #expect(
                await eventually {
                    (try? metrics.expectTimer(
                        "mqtt_rpc_server_handler_duration_seconds", [("operation", "Echo-obs/metrics")]))?
                        .values.count == 1
                })
            let handled = try metrics.expectCounter(
                "mqtt_rpc_server_requests_total", [("operation", "Echo-obs/metrics"), ("outcome", "handled")])
            #expect(handled.totalValue == 1)
            let duration = try metrics.expectTimer(
                "mqtt_rpc_server_handler_duration_seconds", [("operation", "Echo-obs/metrics")])
            #expect(duration.values.count == 1)
            let inFlight = try metrics.expectMeter(
                "mqtt_rpc_server_handlers_in_flight", [("operation", "Echo-obs/metrics")])
            #expect(await eventually { inFlight.lastValue == 0 })
            #expect(inFlight.values.contains(1))
            #expect(
                metrics.counterTotal(label: "mqtt_rpc_client_requests_total", dimensions: [("outcome", "success")]) >= 1
            )
            #expect(try metrics.expectTimer("mqtt_rpc_client_request_duration_seconds").values.count >= 1)
            let budget = try metrics.expectGauge("mqtt_rpc_client_subscription_budget", [("kind", "request_response")])
            #expect(budget.lastValue != nil)
            #expect(
                try metrics.expectGauge("mqtt_rpc_client_subscriptions", [("kind", "request_response")]).lastValue
                    != nil)
        }
    }
}

extension RRSuite.Mosquitto {
    @Suite("Trace propagation over mosquitto")
    struct TracePropagation {
        init() {
            ObservabilityBackends.bootstrap()
        }

        @Test("the service span continues the caller's trace through a real broker")
        func overMosquitto() async throws {
            try await withMosquitto { rig in
                let service = try await rig.client("traced-service")
                let caller = try await rig.client("traced-caller")
                let rr = try RequestResponseClient(
                    caller, options: .init(maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: 1))
                let topic = "\(rig.prefix)/trace"
                let (client, server, _) = try await RequestResponseObservabilityTests.roundTrip(
                    service: service, rr: rr, topic: topic)
                await rr.close()
                #expect(server.traceID == client.traceID)
                #expect(server.parentSpanID == client.spanID)
            }
        }
    }
}

/// The user properties a handler saw.
final class SeenProperties: Sendable {
    private let value = Synchronization.Mutex<[MQTTUserProperty]>([])
    func store(_ properties: [MQTTUserProperty]) { value.withLock { $0 = properties } }
    func load() -> [MQTTUserProperty] { value.withLock { $0 } }
}
