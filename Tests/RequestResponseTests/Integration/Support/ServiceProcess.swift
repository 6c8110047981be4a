import Foundation
import Synchronization

/// A `ThermostatService` child process (the example service process: a ServiceGroup of the MQTT
/// client and the responder), for the failover tests.
///
/// The executable is the one SwiftPM builds beside the test bundle (`swift build --build-tests`
/// and `swift test` build every product), or `$THERMOSTAT_SERVICE_EXECUTABLE`.
final class ServiceProcess: Sendable {
    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    /// What the process printed.
    private final class Output: Sendable {
        let text = Mutex("")
    }

    let name: String
    private let process: Process
    private let output: Output

    static let executableName = "ThermostatService"

    /// Finds the executable.
    static func executable() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["THERMOSTAT_SERVICE_EXECUTABLE"] {
            return URL(fileURLWithPath: path)
        }
        // The test bundle lives in the build products directory, beside the executables.
        var candidates: [URL] = []
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(executableName))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(executableName))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(executableName))
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        candidates.append(cwd.appendingPathComponent(".build/debug/\(executableName)"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw NotFound(
            description:
                "\(executableName) not found (looked at \(candidates.map(\.path))); build it with `swift build --build-tests`"
        )
    }

    /// Starts the service against the broker on `port` and waits (at most 10 s) until it serves.
    init(name: String, port: Int, shareGroup: String, maxConcurrency: Int = 16) async throws {
        self.name = name
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = [
            "--url", "mqtt://127.0.0.1:\(port)", "--client-id", name, "--share-group", shareGroup,
            "--max-concurrency", "\(maxConcurrency)",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = Output()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        self.process = process
        self.output = output
        try process.run()
        let deadline = ContinuousClock.now + .seconds(10)
        while !output.text.withLock({ $0.contains("ThermostatService: serving") }) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                process.terminate()
                throw NotFound(description: "\(name) did not subscribe: \(output.text.withLock { $0 })")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Everything it printed so far.
    var log: String { output.text.withLock { $0 } }

    /// Kills it at once (SIGKILL): no DISCONNECT, no draining.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
    }

    /// Sends SIGTERM and waits (at most `timeout`) for it to exit; returns its exit status and
    /// how many requests it said it answered.
    func terminate(timeout: Duration = .seconds(10)) async -> (status: Int32?, answered: Int?) {
        Foundation.kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard !process.isRunning else {
            kill()
            return (nil, nil)
        }
        try? await Task.sleep(for: .milliseconds(50))  // the last output
        // "ThermostatService: answered N requests, stopped"
        let line = log.split(separator: "\n").last { $0.contains("ThermostatService: answered ") }
        let answered = line.flatMap { $0.split(separator: " ").dropFirst(2).first.flatMap { Int($0) } }
        return (process.terminationStatus, answered)
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
