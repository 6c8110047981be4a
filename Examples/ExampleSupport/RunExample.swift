import ArgumentParser
import Foundation

/// Runs an example from its command: narrates to standard output and reports the time taken;
/// on failure prints `<name>: error: <reason>` to standard error and exits with status 1. A
/// watchdog ends the process with status 2 if the run exceeds `deadline`, so an example never
/// hangs whatever the network does.
///
/// - Parameters:
///   - name: The executable's name, for messages.
///   - deadline: The longest the whole run may take.
///   - walkthrough: The example.
/// - Throws: `ExitCode.failure` after printing the failure.
public func runExample(
    _ name: String, deadline: Duration = .seconds(60), _ walkthrough: (Narrator) async throws -> Void
) async throws {
    let watchdog = Task.detached {
        try await Task.sleep(for: deadline)
        FileHandle.standardError.write(
            Data("\(name): error: the run did not finish within \(deadline); giving up\n".utf8))
        exit(2)
    }
    defer { watchdog.cancel() }
    let narrator = Narrator.standardOutput()
    let clock = ContinuousClock()
    let start = clock.now
    do {
        try await walkthrough(narrator)
    } catch {
        FileHandle.standardError.write(Data("\(name): error: \(error)\n".utf8))
        throw ExitCode.failure
    }
    let elapsed = clock.now - start
    let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    narrator.line("")
    narrator.line("\(name): success, \(narrator.steps) steps in \(milliseconds) ms")
}
