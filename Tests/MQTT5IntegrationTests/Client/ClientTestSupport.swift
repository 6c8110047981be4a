import Foundation
@testable import MQTT5
import NIOCore

/// Records a client's lifecycle events for bounded waits.
final class EventRecorder: Sendable {
    let events = TestQueue<MQTTClientEvent>()
    private let task: Task<Void, Never>

    init(_ client: MQTTClient) {
        let stream = client.events()
        let events = self.events
        task = Task {
            for await event in stream { events.push(event) }
        }
    }

    deinit { task.cancel() }

    /// Waits for the next event satisfying `predicate`, skipping others.
    @discardableResult
    func next(timeout: Duration = .seconds(10), where predicate: (MQTTClientEvent) -> Bool) async throws -> MQTTClientEvent {
        try await events.first(timeout: timeout, "client event", where: predicate)
    }

    @discardableResult
    func connectionSuccess(timeout: Duration = .seconds(10)) async throws -> (MQTTConnAckPacket, MQTTNegotiatedSettings) {
        let event = try await next(timeout: timeout) { if case .connectionSuccess = $0 { true } else { false } }
        guard case .connectionSuccess(let connAck, let settings) = event else { fatalError() }
        return (connAck, settings)
    }

    @discardableResult
    func disconnection(timeout: Duration = .seconds(10)) async throws -> (MQTTDisconnectPacket?, MQTTError) {
        let event = try await next(timeout: timeout) { if case .disconnection = $0 { true } else { false } }
        guard case .disconnection(let packet, let error) = event else { fatalError() }
        return (packet, error)
    }

    @discardableResult
    func connectionFailure(timeout: Duration = .seconds(10)) async throws -> (MQTTConnAckPacket?, MQTTError) {
        let event = try await next(timeout: timeout) { if case .connectionFailure = $0 { true } else { false } }
        guard case .connectionFailure(let connAck, let error) = event else { fatalError() }
        return (connAck, error)
    }

    @discardableResult
    func stopped(timeout: Duration = .seconds(10)) async throws -> MQTTError? {
        let event = try await next(timeout: timeout) { if case .stopped = $0 { true } else { false } }
        guard case .stopped(let error) = event else { fatalError() }
        return error
    }
}

/// Collects the incoming publishes of a client.
final class PublishRecorder: Sendable {
    let publishes = TestQueue<MQTTPublishPacket>()
    private let task: Task<Void, Never>

    init(_ client: MQTTClient, matching filter: String? = nil) {
        let stream = client.publishes(matching: filter)
        let publishes = self.publishes
        task = Task {
            for await publish in stream { publishes.push(publish) }
        }
    }

    deinit { task.cancel() }

    func next(timeout: Duration = .seconds(10)) async throws -> MQTTPublishPacket {
        try await publishes.next(timeout: timeout, "incoming publish")
    }
}

extension MQTTClient.Configuration {
    /// A configuration for tests: short timeouts, fast reconnection.
    static func test(url: String, clientIdentifier: String = "test-client", version: MQTTProtocolVersion = .v5_0) throws -> MQTTClient.Configuration {
        var configuration = try MQTTClient.Configuration(url: url, clientIdentifier: clientIdentifier)
        configuration.protocolVersion = version
        configuration.connectTimeout = .seconds(2)
        configuration.connAckTimeout = .seconds(2)
        configuration.ackTimeout = .seconds(5)
        configuration.reconnect = MQTTReconnectPolicy(minimumDelay: .milliseconds(50), maximumDelay: .milliseconds(200), jitter: .none)
        return configuration
    }
}

extension ByteBuffer {
    /// The readable bytes as a string.
    var text: String { String(buffer: self) }
}

extension MQTTClient {
    /// Closes the current connection without DISCONNECT, as a crash or network loss would.
    func dropConnectionForTesting() {
        execute { core in
            if case .connected(let handler) = core.state { handler.close() }
        }
    }
}

/// Runs a command line tool on a dispatch queue (not blocking Swift's cooperative threads) and
/// throws with its output when it fails.
func runTool(_ executable: String, _ arguments: [String], in directory: String) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        DispatchQueue.global().async {
            do {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                process.currentDirectoryURL = URL(fileURLWithPath: directory)
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                try process.run()
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else {
                    throw TestTimeout("\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: data, as: UTF8.self))")
                }
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// A fresh temporary directory.
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// A unique topic for a test.
func uniqueTopic(_ prefix: String) -> String {
    "\(prefix)/\(UInt32.random(in: 0...UInt32.max))"
}
