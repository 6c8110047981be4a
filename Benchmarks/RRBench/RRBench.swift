import ArgumentParser
import Foundation
import IoTShadow
import Logging
import MQTT5
import MQTTServiceRuntime
import NIOCore
import NIOPosix
import RequestResponse
import Synchronization

/// `rrbench`: closed-loop AWS IoT shadow "get" requests through our request-response client,
/// following the contract in `shared/bench/README.md` (same flags and JSON line as `bench_paho.py`).
///
/// `--api raw` (the default) builds each request by hand on `RequestResponseClient`;
/// `--api generated` calls the generated `IoTShadow.Client.getShadow`, so the generated path
/// (request encoding, topic templates, response decoding) is measured on the same load.
@main
struct RRBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rrbench",
        abstract: "Request-response benchmark: our client (the default) or our shadow service (`rrbench serve`).",
        subcommands: [Client.self, Serve.self, Memory.self],
        defaultSubcommand: Client.self
    )
}

extension RRBench {
    /// The closed-loop client (the harness contract: `rrbench` without a subcommand).
    struct Client: AsyncParsableCommand {
        /// Which client the requests go through.
        enum API: String, ExpressibleByArgument, CaseIterable {
            /// `RequestResponseClient.request` with hand-built `RequestOptions`.
            case raw
            /// The generated `IoTShadow.Client.getShadow(thingName:)`, decoding `GetShadowResponse`.
            case generated
        }

        enum Executor: String, ExpressibleByArgument, CaseIterable {
            /// The default executor (Swift's global concurrent pool).
            case global
            /// `MQTTClient.taskExecutor`: the request loop runs on the connection's event loop.
            case eventLoop = "event-loop"
        }

        static let configuration = CommandConfiguration(
            commandName: "client",
            abstract: "Shadow get requests kept in flight, one JSON line of results."
        )

        @Option var host = "127.0.0.1"
        @Option var port = 18830
        @Option var scenario = "single-thing"
        @Option(help: "Distinct thing names, used round-robin.") var things = 1
        @Option(help: "Requests kept in flight.") var concurrency = 1
        @Option(help: "Seconds before the window opens.") var warmup = 1.0
        @Option(help: "Measurement window, seconds.") var duration = 10.0
        @Option(help: "Max seconds to wait for in-flight requests after the window.") var drain = 6.0
        @Option(
            name: .customLong("client-id"),
            help: "Client identifier (default rrbench-PID; reuse it with --session-expiry)."
        )
        var clientID: String?
        @Option(
            name: .customLong("session-expiry"),
            help:
                "Session Expiry Interval, seconds: non-zero rejoins the session on every connection (a broker restart keeps requests in flight)."
        )
        var sessionExpiry: UInt32 = 0
        @Option(name: .customLong("thing-prefix")) var thingPrefix = "bench-thing"
        @Option(name: .customLong("watch-pids"), help: "Comma-separated name=pid to report CPU for.") var watchPIDs = ""
        @Option(help: "Append one JSON line with the result here.") var out: String?
        @Option(name: .customLong("max-rr-subs")) var maxRRSubs = 2
        @Option(name: .customLong("max-streaming-subs")) var maxStreamingSubs = 1
        @Option(name: .customLong("op-timeout"), help: "Operation timeout, seconds.") var opTimeout = 5.0
        @Option(name: .customLong("label-suffix")) var labelSuffix = ""
        @Option(help: "raw: RequestResponseClient with hand-built requests; generated: IoTShadow.Client.getShadow.")
        var api = API.raw
        @Option(
            help:
                "Where the request loop runs: global (the default executor) or event-loop (MQTTClient.taskExecutor: no thread hand-off per request)."
        )
        var executor = Executor.global

        func run() async throws {
            var logger = Logger(label: "rrbench")
            logger.logLevel = .warning
            let clientID = self.clientID ?? "rrbench-\(getpid())"
            var configuration = MQTTClient.Configuration(endpoint: try MQTTEndpoint(url: "mqtt://\(host):\(port)"))
            configuration.clientIdentifier = clientID
            if sessionExpiry > 0 {
                configuration.sessionExpiryInterval = sessionExpiry
                configuration.sessionBehavior = .rejoinAlways
            }
            let mqtt = MQTTClient(configuration: configuration, logger: logger)
            mqtt.start()
            _ = try await mqtt.waitForConnection(timeout: .seconds(10))
            let rr = try RequestResponseClient(
                mqtt,
                options: .init(
                    maxRequestResponseSubscriptions: maxRRSubs,
                    maxStreamingSubscriptions: maxStreamingSubs,
                    operationTimeout: .milliseconds(Int64(opTimeout * 1000))
                ),
                logger: logger
            )
            let thingNames = (0..<things).map { "\(thingPrefix)-\($0)" }
            let loop = ClosedLoop(concurrency: concurrency)
            let issue: @Sendable (Int) async -> String?
            switch api {
            case .raw:
                // What a device application keeps per thing: the topics, filters and response
                // paths are built once; each request only writes its token and payload (as the C
                // load generator formats into stack buffers).
                let templates = thingNames.map { RawRequestTemplate(thing: $0) }
                issue = { index in
                    let template = templates[index % templates.count]
                    let token = "\(clientID)-\(index)"
                    do throws(RequestResponseError) {
                        let response = try await rr.request(template.request(token: token))
                        return response.topic.hasSuffix("/accepted") ? nil : "rejected"
                    } catch {
                        return "\(error.code)"
                    }
                }
            case .generated:
                let shadow = IoTShadow.Client(rr)
                issue = { index in
                    let thing = thingNames[index % thingNames.count]
                    let request = IoTShadow.GetShadowRequest(thingName: thing, clientToken: "\(clientID)-\(index)")
                    do throws(ServiceError<IoTShadow.ErrorResponse>) {
                        _ = try await shadow.getShadow(request, timeout: nil)
                        return nil
                    } catch {
                        switch error {
                        case .rejected: return "rejected"
                        case .transport(let error): return "\(error.code)"
                        case .invalidRequest: return "invalid_request"
                        case .decoding: return "decoding"
                        }
                    }
                }
            }
            let result = await loop.run(
                warmup: warmup, duration: duration, drain: drain, watch: parseWatch(),
                executor: executor == .eventLoop ? mqtt.taskExecutor : nil,
                issue: issue)
            let statistics = await rr.statistics
            await rr.close()
            await mqtt.stop()

            var record: [(String, JSONLiteral)] = [
                ("scenario", .string(scenario)),
                ("client", .string("swift-mqtt-rpc" + labelSuffix)),
                ("concurrency", .int(concurrency)),
                ("things", .int(things)),
                ("client_id", .string(clientID)),
                ("max_rr_subs", .int(maxRRSubs)),
                ("max_streaming_subs", .int(maxStreamingSubs)),
                ("op_timeout_s", .double(opTimeout)),
            ]
            record += result.fields
            record.append(("subscribes_sent", .int(statistics.subscribesSent)))
            record.append(("unsubscribes_sent", .int(statistics.unsubscribesSent)))
            let line = JSONLiteral.object(record).rendered
            print(line)
            if let out {
                guard let file = fopen(out, "a") else { throw ValidationError("cannot open \(out) for appending") }
                fputs(line + "\n", file)
                fclose(file)
            }
        }

        private func parseWatch() -> [(String, Int32)] {
            var watch: [(String, Int32)] = [("client", getpid())]
            for item in watchPIDs.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1)
                if parts.count == 2, let pid = Int32(parts[1].trimmingCharacters(in: .whitespaces)) {
                    watch.append((String(parts[0]).trimmingCharacters(in: .whitespaces), pid))
                }
            }
            return watch
        }
    }
}

/// The parts of a raw shadow "get" request that depend only on the thing name.
struct RawRequestTemplate: Sendable {
    let filters: [String]
    let responsePaths: [RequestResponseClient.ResponsePath]
    let publishTopic: String

    init(thing: String) {
        let base = "$aws/things/\(thing)/shadow/get"
        filters = [base + "/+"]
        responsePaths = [
            RequestResponseClient.ResponsePath(topic: base + "/accepted", correlationTokenJSONPath: "clientToken"),
            RequestResponseClient.ResponsePath(topic: base + "/rejected", correlationTokenJSONPath: "clientToken"),
        ]
        publishTopic = base
    }

    /// The request carrying `token`, with the payload `{"clientToken":"<token>"}`.
    func request(token: String) -> RequestResponseClient.RequestOptions {
        var payload = ByteBuffer()
        payload.reserveCapacity(18 + token.utf8.count)
        payload.writeStaticString(#"{"clientToken":""#)
        payload.writeString(token)
        payload.writeStaticString(#""}"#)
        return RequestResponseClient.RequestOptions(
            subscriptionTopicFilters: filters, responsePaths: responsePaths, publishTopic: publishTopic,
            payload: payload, correlationToken: token)
    }
}
