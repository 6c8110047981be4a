import ArgumentParser
import Foundation
import IoTShadow
import Logging
import MQTT5
import MQTTServiceRuntime
import RequestResponse
import ServiceLifecycle
import UnixSignals
import Synchronization

extension RRBench {
    /// `rrbench serve`: our shadow service in place of `shared/bench/responder.c`, answering the
    /// same topics the same way (accepted documents with state, metadata, version, timestamp and
    /// the request's clientToken; things named `reject-*` get a 404 on `.../rejected`), built on
    /// the generated `IoTShadow.ServiceProtocol`. Runs as a `ServiceGroup` of the MQTT client and
    /// the responder until SIGTERM or SIGINT, drains, prints one JSON line of counts and exits 0.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the shadow get/update/delete traffic of the peer harness until SIGTERM/SIGINT."
        )

        @Option var host = "127.0.0.1"
        @Option var port = 18830
        @Option(name: .customLong("client-id")) var clientID = "rrbench-serve"
        @Option(name: .customLong("share-group"), help: "Serve through $share/<group>/... (scale-out).")
        var shareGroup: String?
        @Option(name: .customLong("max-concurrency"), help: "Most handlers running at once.")
        var maxConcurrency = 64
        @Option(
            help:
                "Where handlers run: global (the default executor) or event-loop (MQTTClient.taskExecutor: no thread hand-off per request)."
        )
        var executor = Client.Executor.global

        func run() async throws {
            var logger = Logger(label: "rrbench-serve")
            logger.logLevel = .warning
            var configuration = MQTTClient.Configuration(endpoint: try MQTTEndpoint(url: "mqtt://\(host):\(port)"))
            configuration.clientIdentifier = clientID
            let mqtt = MQTTClient(configuration: configuration, logger: logger)
            let responder = RequestResponder(
                mqtt,
                options: .init(
                    maxConcurrentHandlers: maxConcurrency, sharedSubscriptionGroup: shareGroup,
                    handlerExecutor: executor == .eventLoop ? mqtt.taskExecutor : nil),
                logger: logger)
            mqtt.start()
            try await mqtt.waitForConnection(timeout: .seconds(10))
            _ = try await BenchShadowService().register(on: responder)
            print("serve: subscribed")
            fflush(nil)
            let group = ServiceGroup(
                services: [mqtt, responder], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            try await group.run()
            let statistics = await responder.statistics
            let line = JSONLiteral.object([
                ("service", .string("swift-mqtt-rpc")),
                ("client_id", .string(clientID)),
                ("received", .int(statistics.received)),
                ("answered", .int(statistics.completed)),
                ("dropped_expired", .int(statistics.droppedExpired)),
                ("deadline_exceeded", .int(statistics.deadlineExceeded)),
                ("max_running", .int(statistics.maxRunning)),
            ]).rendered
            print(line)
            fflush(nil)
        }
    }
}

/// The shadow service of `responder.c`, through the generated service protocol.
struct BenchShadowService: IoTShadow.ServiceProtocol {
    private let versions = VersionCounter()

    private static func now() -> Date {
        Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    }

    private static func reject(_ thingName: String, token: String?, at now: Date) -> IoTShadow.ErrorResponse? {
        guard thingName.hasPrefix("reject-") else { return nil }
        return IoTShadow.ErrorResponse(
            clientToken: token, code: 404, message: "No shadow exists with name: '\(thingName)'", timestamp: now)
    }

    private static let power: ServiceJSONValue = ["power": "on", "level": 3]

    private static func metadata(_ now: Date) -> ServiceJSONValue {
        let stamp: ServiceJSONValue = ["timestamp": .number(now.timeIntervalSince1970)]
        return ["power": stamp, "level": stamp]
    }

    private func get(_ thingName: String, token: String?) throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse
    {
        let now = Self.now()
        if let error = Self.reject(thingName, token: token, at: now) { throw error }
        return IoTShadow.GetShadowResponse(
            clientToken: token, state: .init(desired: Self.power, reported: Self.power),
            metadata: .init(desired: Self.metadata(now), reported: Self.metadata(now)), timestamp: now,
            version: versions.current)
    }

    private func update(
        _ thingName: String, token: String?
    ) throws(IoTShadow.ErrorResponse)
        -> IoTShadow.UpdateShadowResponse
    {
        let now = Self.now()
        if let error = Self.reject(thingName, token: token, at: now) { throw error }
        return IoTShadow.UpdateShadowResponse(
            clientToken: token, state: .init(reported: .value(Self.power)),
            metadata: .init(reported: Self.metadata(now)), timestamp: now, version: versions.increment())
    }

    private func delete(
        _ thingName: String, token: String?
    ) throws(IoTShadow.ErrorResponse)
        -> IoTShadow.DeleteShadowResponse
    {
        let now = Self.now()
        if let error = Self.reject(thingName, token: token, at: now) { throw error }
        return IoTShadow.DeleteShadowResponse(clientToken: token, timestamp: now, version: versions.current)
    }

    func getShadow(
        _ request: IoTShadow.GetShadowRequest
    ) async throws(IoTShadow.ErrorResponse)
        -> IoTShadow.GetShadowResponse
    {
        try get(request.thingName, token: request.clientToken)
    }

    func getNamedShadow(
        _ request: IoTShadow.GetNamedShadowRequest
    ) async throws(IoTShadow.ErrorResponse)
        -> IoTShadow.GetShadowResponse
    {
        try get(request.thingName, token: request.clientToken)
    }

    func updateShadow(
        _ request: IoTShadow.UpdateShadowRequest
    ) async throws(IoTShadow.ErrorResponse)
        -> IoTShadow.UpdateShadowResponse
    {
        try update(request.thingName, token: request.clientToken)
    }

    func updateNamedShadow(
        _ request: IoTShadow.UpdateNamedShadowRequest
    ) async throws(IoTShadow.ErrorResponse)
        -> IoTShadow.UpdateShadowResponse
    {
        try update(request.thingName, token: request.clientToken)
    }

    func deleteShadow(
        _ request: IoTShadow.DeleteShadowRequest
    ) async throws(IoTShadow.ErrorResponse)
        -> IoTShadow.DeleteShadowResponse
    {
        try delete(request.thingName, token: request.clientToken)
    }

    func deleteNamedShadow(
        _ request: IoTShadow.DeleteNamedShadowRequest
    ) async throws(IoTShadow.ErrorResponse)
        -> IoTShadow.DeleteShadowResponse
    {
        try delete(request.thingName, token: request.clientToken)
    }
}

/// The shadow version every thing shares, as in `responder.c`.
final class VersionCounter: Sendable {
    private let value = Synchronization.Atomic<Int>(1)

    var current: Int { value.load(ordering: .relaxed) }

    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
}
