import ArgumentParser
import Foundation
import MQTT5

/// A failure reported as `mqtt: error: <message>` on standard error, with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    /// Prints `error` and returns the exit code to throw.
    static func report(_ error: any Error) -> ExitCode {
        let message =
            switch error {
            case let error as MQTTError: "\(error)"
            case let error as CommandFailure: error.description
            default: "\(error)"
            }
        FileHandle.standardError.write(Data("mqtt: error: \(message)\n".utf8))
        return .failure
    }
}
