import Foundation
import InMemoryTracing
import Instrumentation
import Metrics
import MetricsTestKit
import Tracing

/// A tracer for tests that records spans in memory (swift-distributed-tracing's
/// `InMemoryTracer`) and propagates them the W3C way: `traceparent`
/// (`00-<32 hex trace id>-<16 hex span id>-01`) and `tracestate`.
struct W3CInMemoryTracer: Tracer {
    typealias Span = InMemorySpan

    let recorder = InMemoryTracer(
        idGenerator: .init(
            nextTraceID: {
                String(format: "%016llx%016llx", UInt64.random(in: 1...UInt64.max), UInt64.random(in: 0...UInt64.max))
            },
            nextSpanID: { String(format: "%016llx", UInt64.random(in: 1...UInt64.max)) }))

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> InMemorySpan {
        recorder.startSpan(
            operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line
        )
    }

    func forceFlush() {}

    func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Carrier == Inject.Carrier {
        guard let span = context.inMemorySpanContext else { return }
        injector.inject("00-\(span.traceID)-\(span.spanID)-01", forKey: "traceparent", into: &carrier)
        injector.inject("swift-mqtt-rpc=test", forKey: "tracestate", into: &carrier)
    }

    func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Carrier == Extract.Carrier {
        guard let parent = extractor.extract(key: "traceparent", from: carrier) else { return }
        let fields = parent.split(separator: "-")
        guard fields.count == 4, fields[1].count == 32, fields[2].count == 16 else { return }
        context.inMemorySpanContext = InMemorySpanContext(
            traceID: String(fields[1]), spanID: String(fields[2]), parentSpanID: nil)
    }
}

/// The in-memory metrics and tracing backends, bootstrapped once for the whole test process
/// (both systems can be bootstrapped only once). Other tests' spans and metrics land there too:
/// tests filter by their own topics and operation names.
enum ObservabilityBackends {
    static let metrics = TestMetrics()
    static let tracer = W3CInMemoryTracer()

    private static let bootstrapped: Bool = {
        MetricsSystem.bootstrap(metrics)
        InstrumentationSystem.bootstrap(tracer)
        return true
    }()

    /// Bootstraps the backends (once).
    static func bootstrap() {
        _ = bootstrapped
    }
}
