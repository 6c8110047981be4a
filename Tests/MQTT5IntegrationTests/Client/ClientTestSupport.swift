import Foundation
import MQTT5TestSupport
@testable import MQTT5

extension MQTTClient {
    /// Closes the current connection without DISCONNECT, as a crash or network loss would.
    func dropConnectionForTesting() {
        execute { core in
            core.connection?.close()
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
                // Output goes to a file, not a pipe: a blocking pipe read fails with EINTR when a
                // test's child process (mosquitto, tinyproxy) exits meanwhile and SIGCHLD arrives.
                let outputPath = FileManager.default.temporaryDirectory
                    .appendingPathComponent("tool-\(UUID().uuidString.prefix(8)).log").path
                _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
                defer { try? FileManager.default.removeItem(atPath: outputPath) }
                let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
                defer { try? output.close() }
                process.standardOutput = output
                process.standardError = output
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else {
                    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
                    throw TestTimeout("\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
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
