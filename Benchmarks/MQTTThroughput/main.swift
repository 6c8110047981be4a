// mqtt-throughput: QoS 0 and QoS 1 publishes per second through a private mosquitto, this client
// beside mosquitto_pub (and paho-mqtt for Python when installed), delivered to one subscriber.
//
//   swift build -c release --product mqtt-throughput && .build/release/mqtt-throughput [--messages N] [--payload BYTES]
//
// `--session-store` adds QoS 1 runs of publishers with a durable session: the SQLite store
// (MQTT5Persistence) and the in-memory one, beside the same runs without a store.
import Foundation
import MQTT5
import MQTT5Persistence
import MQTT5Testing
import NIOCore
import NIOPosix
import Synchronization

struct Options {
    var messages = 50_000
    var payloadSize = 64
    var sessionStore = false

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--messages": messages = Int(rest.popFirst() ?? "") ?? messages
            case "--payload": payloadSize = Int(rest.popFirst() ?? "") ?? payloadSize
            case "--session-store": sessionStore = true
            default:
                print("usage: mqtt-throughput [--messages N] [--payload BYTES] [--session-store]")
                exit(2)
            }
        }
    }
}

struct Row {
    var name: String
    var qos: Int
    var sent: Int
    var publishSeconds: Double
    var received: Int
    var deliverySeconds: Double

    var publishRate: Double { Double(sent) / publishSeconds }
    var deliveryRate: Double { Double(received) / deliverySeconds }
}

/// Counts the messages of one run as they reach the subscriber (on its event loop).
final class DeliveryCounter: Sendable {
    private struct State {
        var target = 0
        var count = 0
        var prefix = ""
        var done: EventLoopPromise<Void>?
    }
    private let state = Mutex(State())

    func expect(_ target: Int, prefix: String, done: EventLoopPromise<Void>) {
        state.withLock { $0 = State(target: target, count: 0, prefix: prefix, done: done) }
    }

    func received(_ topic: String) {
        let done: EventLoopPromise<Void>? = state.withLock { state in
            guard topic.hasPrefix(state.prefix) else { return nil }
            state.count += 1
            return state.count == state.target ? state.done : nil
        }
        done?.succeed()
    }

    var count: Int { state.withLock { $0.count } }
}

@main
struct Throughput {
    static func main() async throws {
        let options = Options(CommandLine.arguments)
        guard MosquittoBroker.isAvailable else {
            print("mosquitto is not installed (apt-get install -y mosquitto mosquitto-clients)")
            exit(1)
        }
        var brokerConfiguration = MosquittoBroker.Configuration()
        brokerConfiguration.extraConfiguration = "max_queued_messages 0"
        let broker = try await MosquittoBroker.start(brokerConfiguration)
        defer { broker.stop() }
        let url = "mqtt://127.0.0.1:\(broker.port)"
        print("mosquitto on \(url), \(options.messages) messages of \(options.payloadSize) bytes per run\n")

        // The subscriber: counts deliveries on its event loop through the client's listener hook.
        var subscriberConfiguration = try MQTTClient.Configuration(url: url, clientIdentifier: "bench-subscriber")
        subscriberConfiguration.receiveMaximum = 65_535
        let subscriber = MQTTClient(configuration: subscriberConfiguration)
        let counter = DeliveryCounter()
        subscriber.start()
        try await subscriber.waitForConnection(timeout: .seconds(5))
        try await subscriber.eventLoop.submit {
            _ = subscriber.addPublishListener { counter.received($0.topic) }
        }.get()
        try await subscriber.subscribe(to: "bench/#", qos: .atLeastOnce)

        var publisherConfiguration = try MQTTClient.Configuration(url: url, clientIdentifier: "bench-publisher")
        publisherConfiguration.offlineQueue = MQTTOfflineQueuePolicy(behavior: .failQoS0Publish)
        let publisher = MQTTClient(configuration: publisherConfiguration)
        publisher.start()
        try await publisher.waitForConnection(timeout: .seconds(5))
        let payload = ByteBuffer(repeating: UInt8(ascii: "x"), count: options.payloadSize)
        let n = options.messages
        var rows: [Row] = []
        var run = 0

        func measure(_ name: String, qos: Int, count: Int = n, _ publish: (String) async throws -> Void) async throws {
            run += 1
            let topic = "bench/\(run)"
            let done = subscriber.eventLoop.makePromise(of: Void.self)
            counter.expect(count, prefix: topic, done: done)
            let start = ContinuousClock.now
            try await publish(topic)
            let published = ContinuousClock.now - start
            let timeout = subscriber.eventLoop.scheduleTask(in: .seconds(60)) { done.succeed() }
            try await done.futureResult.get()
            timeout.cancel()
            let delivered = ContinuousClock.now - start
            let row = Row(
                name: name, qos: qos, sent: count, publishSeconds: seconds(published), received: counter.count,
                deliverySeconds: seconds(delivered))
            rows.append(row)
            print(
                String(
                    format: "  %-44@ QoS %d  %9.0f pub/s  %9.0f delivered/s  (%d/%d received)", row.name as NSString,
                    qos, row.publishRate, row.deliveryRate, row.received, count))
        }

        // This client, public async API, one publish after the other: with QoS 0 write-behind (the
        // default), then with it off (each publish waits for the event loop to take it).
        try await measure("MQTTClient async, sequential", qos: 0) { topic in
            for _ in 0..<n { try await publisher.publish(to: topic, payload: payload, qos: .atMostOnce) }
        }
        // One awaited QoS 0 publish on its own: bursts of 200 (within the write-behind window),
        // each after the pipeline went idle; the median cost per call.
        do {
            var perCall: [Double] = []
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(20))
                let start = ContinuousClock.now
                for _ in 0..<200 { try await publisher.publish(to: "bench/single", payload: payload, qos: .atMostOnce) }
                perCall.append(seconds(ContinuousClock.now - start) / 200 * 1e6)
            }
            perCall.sort()
            print(
                String(
                    format: "  one awaited QoS 0 publish (write-behind): median %.1f µs, best %.1f µs", perCall[25],
                    perCall[0]))
        }
        var awaitingConfiguration = publisherConfiguration
        awaitingConfiguration.clientIdentifier = "bench-publisher-awaiting"
        awaitingConfiguration.qos0WriteBehindLimit = 0
        let awaitingPublisher = MQTTClient(configuration: awaitingConfiguration)
        awaitingPublisher.start()
        try await awaitingPublisher.waitForConnection(timeout: .seconds(5))
        try await measure("MQTTClient async, sequential, write-behind off", qos: 0) { topic in
            for _ in 0..<n { try await awaitingPublisher.publish(to: topic, payload: payload, qos: .atMostOnce) }
        }
        await awaitingPublisher.stop()
        let sequentialQoS1 = min(n, 20_000)
        try await measure("MQTTClient async, sequential (\(sequentialQoS1))", qos: 1, count: sequentialQoS1) { topic in
            for _ in 0..<sequentialQoS1 { try await publisher.publish(to: topic, payload: payload, qos: .atLeastOnce) }
        }
        // The same sequential loops from a task that prefers the client's event loop
        // (`MQTTClient.taskExecutor`): no thread hand-off per awaited publish.
        try await measure("MQTTClient async on its event loop, sequential", qos: 0) { topic in
            try await withTaskExecutorPreference(publisher.taskExecutor) {
                for _ in 0..<n { try await publisher.publish(to: topic, payload: payload, qos: .atMostOnce) }
            }
        }
        try await measure(
            "MQTTClient async on its event loop, sequential (\(sequentialQoS1))", qos: 1, count: sequentialQoS1
        ) {
            topic in
            try await withTaskExecutorPreference(publisher.taskExecutor) {
                for _ in 0..<sequentialQoS1 {
                    try await publisher.publish(to: topic, payload: payload, qos: .atLeastOnce)
                }
            }
        }
        // Public async API, up to 1,000 publishes awaiting at once (the broker allows 20 in flight).
        try await measure("MQTTClient async, window 1000", qos: 1) { topic in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<n {
                    if index >= 1_000 { try await group.next() }
                    group.addTask { _ = try await publisher.publish(to: topic, payload: payload, qos: .atLeastOnce) }
                }
                try await group.waitForAll()
            }
        }
        // The event-loop API the request-response layer uses: all futures issued from the loop.
        for qos in [MQTTQoS.atMostOnce, .atLeastOnce] {
            try await measure("MQTTClient event-loop futures, all at once", qos: Int(qos.rawValue)) { topic in
                let all = try await publisher.eventLoop.submit {
                    var futures: [EventLoopFuture<MQTTPublishResult>] = []
                    futures.reserveCapacity(n)
                    for _ in 0..<n {
                        futures.append(publisher.publish(MQTTPublishPacket(topic: topic, payload: payload, qos: qos)))
                    }
                    return EventLoopFuture.andAllSucceed(futures, on: publisher.eventLoop)
                }.get()
                try await all.get()
            }
        }

        /// QoS 1 with a durable session: the same runs without a store, with the in-memory store
        /// and with the SQLite store (each publish committed before it leaves).
        func measureSessionStores() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-throughput-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let stores: [(String, () throws -> (any MQTTSessionStore)?)] = [
                ("no store", { nil }),
                ("in-memory store", { try MQTTInMemorySessionStore(clientIdentifier: "bench-durable") }),
                (
                    "SQLite store",
                    {
                        try MQTTSQLiteSessionStore(
                            path: directory.appendingPathComponent("session-\(UUID().uuidString).sqlite").path,
                            clientIdentifier: "bench-durable")
                    }
                ),
            ]
            for (label, makeStore) in stores {
                var configuration = try MQTTClient.Configuration(url: url, clientIdentifier: "bench-durable")
                configuration.sessionStore = try makeStore()
                configuration.sessionExpiryInterval = 300
                configuration.sessionBehavior = .rejoinAlways
                let durable = MQTTClient(configuration: configuration)
                durable.start()
                try await durable.waitForConnection(timeout: .seconds(5))
                let sequential = min(n, 20_000)
                try await measure("durable (\(label)), sequential (\(sequential))", qos: 1, count: sequential) {
                    topic in
                    for _ in 0..<sequential {
                        try await durable.publish(to: topic, payload: payload, qos: .atLeastOnce)
                    }
                }
                try await measure("durable (\(label)), window 1000", qos: 1) { topic in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for index in 0..<n {
                            if index >= 1_000 { try await group.next() }
                            group.addTask {
                                _ = try await durable.publish(to: topic, payload: payload, qos: .atLeastOnce)
                            }
                        }
                        try await group.waitForAll()
                    }
                }
                await durable.stop()
            }
        }
        if options.sessionStore {
            try await measureSessionStores()
        }

        // mosquitto_pub -l: one message per stdin line.
        let lines = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-throughput-\(getpid()).txt")
        let line = String(repeating: "x", count: max(0, options.payloadSize)) + "\n"
        try String(repeating: line, count: n).write(to: lines, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: lines) }
        for qos in [0, 1] {
            try await measure("mosquitto_pub -l", qos: qos) { topic in
                try runProcess(
                    "/usr/bin/mosquitto_pub",
                    ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", "5", "-q", "\(qos)", "-t", topic, "-l"],
                    stdin: lines)
            }
        }

        // paho-mqtt (Python), when installed.
        if (try? runProcess("/usr/bin/env", ["python3", "-c", "import paho.mqtt.client"], stdin: nil)) != nil {
            for qos in [0, 1] {
                try await measure("paho-mqtt (Python), loop_start", qos: qos) { topic in
                    try runProcess(
                        "/usr/bin/env",
                        [
                            "python3", "-c", pahoScript, "\(broker.port)", topic, "\(qos)", "\(n)",
                            "\(options.payloadSize)",
                        ], stdin: nil)
                }
            }
        } else {
            print("  (paho-mqtt for Python is not installed: pip install paho-mqtt to compare)")
        }

        await publisher.stop()
        await subscriber.stop()
        print("\n| client | QoS | publishes/s | delivered/s | received |")
        print("|---|---|---|---|---|")
        for row in rows {
            print(
                String(
                    format: "| %@ | %d | %.0f | %.0f | %d/%d |", row.name as NSString, row.qos, row.publishRate,
                    row.deliveryRate, row.received, row.sent))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func runProcess(_ executable: String, _ arguments: [String], stdin: URL?) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(
                domain: "mqtt-throughput", code: Int(process.terminationStatus),
                userInfo: [
                    NSLocalizedDescriptionKey:
                        "\(executable) \(arguments.first ?? "") exited with \(process.terminationStatus)"
                ])
        }
    }

    static let pahoScript = """
        import sys, threading
        import paho.mqtt.client as mqtt
        port, topic, qos, n, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        try:
            c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        except AttributeError:
            c = mqtt.Client(protocol=mqtt.MQTTv5)
        c.max_inflight_messages_set(20)
        c.max_queued_messages_set(0)
        c.connect("127.0.0.1", port)
        c.loop_start()
        payload = b"x" * size
        infos = [c.publish(topic, payload, qos) for _ in range(n)]
        for info in infos:
            info.wait_for_publish(60)
        c.disconnect()
        c.loop_stop()
        """
}
