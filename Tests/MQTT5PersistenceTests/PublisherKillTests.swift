import Foundation
import MQTT5
import MQTT5Testing
import NIOCore
import Synchronization
import Testing

/// A publisher process (the `mqtt` CLI with a SQLite session store) sends N numbered messages
/// through a private mosquitto and is killed with SIGKILL at random points, then started again
/// with the same store; subscribers on persistent sessions count what arrives.
@Suite(.enabled(if: MosquittoBroker.shouldRunTests), .timeLimit(.minutes(3)))
struct PublisherKillTests {
    static let messages = 2_000

    @Test(
        "Killed with SIGKILL and restarted: every number arrives, nothing invented (QoS 2: exactly once)",
        arguments: [MQTTQoS.atLeastOnce, .exactlyOnce])
    func killAndRestart(qos: MQTTQoS) async throws {
        let cli = try Self.cliExecutable()
        var brokerConfiguration = MosquittoBroker.Configuration()
        brokerConfiguration.extraConfiguration = "max_queued_messages 0"
        let broker = try await MosquittoBroker.start(brokerConfiguration)
        defer { broker.stop() }
        let url = "mqtt://127.0.0.1:\(broker.port)"
        let topic = "kill/\(qos.rawValue)"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // The counting subscriber, in process, on a persistent session.
        var subscriberConfiguration = try MQTTClient.Configuration(
            url: url, clientIdentifier: "kill-sub-\(qos.rawValue)")
        subscriberConfiguration.sessionExpiryInterval = 300
        subscriberConfiguration.sessionBehavior = .rejoinPostSuccess
        let subscriber = MQTTClient(configuration: subscriberConfiguration)
        let tally = Tally()
        let messages = subscriber.publishes()
        subscriber.start()
        defer { Task { await subscriber.stop() } }
        try await subscriber.waitForConnection(timeout: .seconds(10))
        try await subscriber.subscribe(to: topic, qos: qos)
        let counting = Task {
            for await message in messages {
                let text = String(buffer: message.payload)
                if let number = Int(text), (1...Self.messages).contains(number) {
                    tally.counts.withLock { $0[number, default: 0] += 1 }
                } else {
                    tally.invented.withLock { $0.append(text) }
                }
            }
        }
        defer { counting.cancel() }
        func distinct() -> Int { tally.counts.withLock { $0.count } }

        // With QoS 2, the CLI subscriber too (its own SQLite store), which exits after N lines.
        var lineSubscriber: Process?
        let lines = Pipe()
        if qos == .exactlyOnce {
            // The session and its subscription exist before the CLI starts: it rejoins them.
            var primer = try MQTTClient.Configuration(url: url, clientIdentifier: "kill-cli-sub")
            primer.sessionExpiryInterval = 300
            try await withMQTTClient(configuration: primer) { client in
                try await client.subscribe(to: topic, qos: .exactlyOnce)
            }
            let process = try Self.process(
                cli,
                [
                    "sub", "--url", url, "--client-id", "kill-cli-sub", "-t", topic, "-q", "2",
                    "--session-store", directory.appendingPathComponent("sub.sqlite").path, "--session-expiry", "300",
                    "--count", "\(Self.messages)",
                ], output: lines)
            try process.run()
            lineSubscriber = process
        }

        // The publisher: killed at random points (once the subscriber has seen a random share).
        var generator = SystemRandomNumberGenerator()
        let thresholds = (0..<3).map { _ in Int.random(in: 50..<(Self.messages - 50), using: &generator) }.sorted()
        let store = directory.appendingPathComponent("pub.sqlite").path
        let publishArguments = [
            "pub", "--url", url, "--client-id", "kill-pub-\(qos.rawValue)", "-t", topic, "-q", "\(qos.rawValue)",
            "-m", "%n", "--session-store", store, "--session-expiry", "300", "--timeout", "20",
        ]
        var killsWhileRunning = 0
        for threshold in thresholds {
            let publisher = try Self.process(cli, publishArguments + ["--count", "\(Self.messages)"])
            try publisher.run()
            try await Self.waitUntil(seconds: 20) { distinct() >= threshold || !publisher.isRunning }
            if publisher.isRunning {
                kill(publisher.processIdentifier, SIGKILL)
                killsWhileRunning += 1
            }
            publisher.waitUntilExit()
        }
        let final = try Self.process(cli, publishArguments + ["--count", "\(Self.messages)"])
        try final.run()
        try await Self.waitUntil(seconds: 30) { !final.isRunning }
        #expect(final.terminationStatus == 0)
        // Nothing left: a recovery-only run completes at once.
        let recoverOnly = try Self.process(cli, publishArguments + ["--count", "0"])
        try recoverOnly.run()
        try await Self.waitUntil(seconds: 20) { !recoverOnly.isRunning }
        #expect(recoverOnly.terminationStatus == 0)

        try await Self.waitUntil(seconds: 20) { distinct() == Self.messages }
        try await Task.sleep(for: .milliseconds(300))  // late duplicates, if any
        let received = tally.counts.withLock { $0 }
        #expect(killsWhileRunning >= 1, "thresholds \(thresholds)")
        #expect(
            received.count == Self.messages, "missing: \((1...Self.messages).filter { received[$0] == nil }.prefix(20))"
        )
        #expect(tally.invented.withLock { $0 }.isEmpty)
        if qos == .exactlyOnce {
            #expect(
                received.values.allSatisfy { $0 == 1 }, "duplicates: \(received.filter { $0.value > 1 }.prefix(20))")
        }

        if let lineSubscriber {
            try await Self.waitUntil(seconds: 20) { !lineSubscriber.isRunning }
            if lineSubscriber.isRunning { lineSubscriber.terminate() }
            let output = String(decoding: lines.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let printed = output.split(separator: "\n").map(String.init)
            #expect(printed.count == Self.messages)
            #expect(Set(printed) == Set((1...Self.messages).map(String.init)))
        }
    }

    // MARK: Helpers

    /// What the subscriber received: how often each number, and anything else.
    final class Tally: Sendable {
        let counts = Mutex([Int: Int]())
        let invented = Mutex([String]())
    }

    /// The `mqtt` CLI built beside this test bundle (`swift test` builds it: the test target
    /// depends on it); `MQTT_CLI` overrides.
    static func cliExecutable() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["MQTT_CLI"] { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        for start in [URL(fileURLWithPath: CommandLine.arguments[0]), Bundle.main.bundleURL] {
            var directory = start.deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(directory.appendingPathComponent("mqtt"))
                directory = directory.deletingLastPathComponent()
            }
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CLINotFound(searched: candidates.map(\.path))
        }
        return found
    }

    struct CLINotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "the mqtt CLI was not found (build it: swift build --product mqtt); looked at \(searched)"
        }
    }

    static func process(_ executable: URL, _ arguments: [String], output: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = FileHandle.standardError
        return process
    }

    static func waitUntil(seconds: Int, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
