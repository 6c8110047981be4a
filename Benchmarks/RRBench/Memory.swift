import ArgumentParser
import Foundation
import Logging
import MQTT5
import NIOCore
import RequestResponse

extension RRBench {
    /// `rrbench memory`: what an open stream and an in-flight request cost in resident memory.
    ///
    /// Against a real broker it opens `--streams` streaming operations (each its own
    /// subscription) and measures the growth of the process's resident set once all are
    /// subscribed; then it keeps `--requests` requests in flight to a topic nobody answers (one
    /// shared response subscription, correlation tokens) and measures again. A request is issued
    /// from a task of its own, as an application would; the figure includes that task, and the
    /// cost of as many tasks waiting in a sleep is printed beside it. Prints one JSON line.
    struct Memory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resident memory per open stream and per in-flight request, one JSON line.")

        @Option var host = "127.0.0.1"
        @Option var port = 18830
        @Option(help: "Streaming operations to open.") var streams = 10_000
        @Option(help: "Requests to keep in flight.") var requests = 10_000

        func run() async throws {
            var logger = Logger(label: "rrbench-memory")
            logger.logLevel = .warning
            var configuration = MQTTClient.Configuration(endpoint: try MQTTEndpoint(url: "mqtt://\(host):\(port)"))
            configuration.clientIdentifier = "rrbench-memory-\(getpid())"
            let mqtt = MQTTClient(configuration: configuration, logger: logger)
            mqtt.start()
            try await mqtt.waitForConnection(timeout: .seconds(10))
            let rr = try RequestResponseClient(
                mqtt,
                options: .init(
                    maxRequestResponseSubscriptions: 2, maxStreamingSubscriptions: streams + 1,
                    operationTimeout: .seconds(600)),
                logger: logger)

            // Warm up every path once, so code and caches are resident before the baseline.
            try await settle(rr) { $0.requestResponseSubscriptions == 0 }
            let baseline = residentBytes()

            var open: [StreamingOperation] = []
            open.reserveCapacity(streams)
            for index in 0..<streams {
                let stream = try rr.streamingOperation(.init(topicFilter: "bench/memory/stream/\(index)"))
                try stream.open()
                open.append(stream)
            }
            let streamCount = streams
            try await settle(rr) { $0.streamingSubscriptions == streamCount && $0.queueLength == 0 }
            let withStreams = residentBytes()

            // What a task waiting in a sleep costs, to tell the request's own share from its task's.
            let sleepers = (0..<requests).map { _ in Task { try? await Task.sleep(for: .seconds(600)) } }
            try await Task.sleep(for: .milliseconds(500))
            let withSleepers = residentBytes()
            for task in sleepers { task.cancel() }
            for task in sleepers { await task.value }
            try await Task.sleep(for: .milliseconds(200))
            let afterSleepers = residentBytes()

            let requestCount = requests
            let tasks = (0..<requests).map { index in
                Task {
                    let token = "memory-\(index)"
                    _ = try? await rr.request(
                        RequestResponseClient.RequestOptions(
                            subscriptionTopicFilters: ["bench/memory/replies"],
                            responsePaths: [
                                .init(topic: "bench/memory/replies", correlationTokenJSONPath: "clientToken")
                            ],
                            publishTopic: "bench/memory/nobody",
                            payload: ByteBuffer(string: #"{"clientToken":""# + token + #""}"#),
                            correlationToken: token))
                }
            }
            try await settle(rr) { $0.requestsInFlight == requestCount }
            let withRequests = residentBytes()

            for task in tasks { task.cancel() }
            for task in tasks { _ = await task.value }
            for stream in open { stream.close() }
            await rr.close()
            await mqtt.stop()

            let perStream = Double(withStreams - baseline) / Double(max(1, streams))
            let perRequest = Double(withRequests - afterSleepers) / Double(max(1, requests))
            let perSleepingTask = Double(withSleepers - withStreams) / Double(max(1, requests))
            print(
                JSONLiteral.object([
                    ("streams", .int(streams)),
                    ("requests", .int(requests)),
                    ("rss_baseline_bytes", .int(baseline)),
                    ("rss_with_streams_bytes", .int(withStreams)),
                    ("rss_with_requests_bytes", .int(withRequests)),
                    ("bytes_per_open_stream", .double(perStream.rounded())),
                    ("bytes_per_in_flight_request", .double(perRequest.rounded())),
                    ("bytes_per_sleeping_task", .double(perSleepingTask.rounded())),
                ]).rendered)
        }

        /// Waits (at most 60 s) until the client's statistics satisfy `condition`, then a little more
        /// so that the event loop is idle when memory is read.
        private func settle(
            _ rr: RequestResponseClient, _ condition: @escaping (RequestResponseStatistics) -> Bool
        ) async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                if condition(await rr.statistics) {
                    try await Task.sleep(for: .milliseconds(200))
                    return
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            throw ValidationError("the client did not settle within 60 s: \(await rr.statistics)")
        }
    }
}

/// The resident set size of this process, from `/proc/self/statm` (Linux; 0 elsewhere).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
