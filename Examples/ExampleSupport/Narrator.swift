import Synchronization
import Foundation

/// Tells the story of an example run: numbered steps, their results, and who does what.
///
/// ```
/// [broker]  embedded MQTTTestBroker on mqtt://127.0.0.1:40123 (no --url given)
///
/// 1. Get the shadow of 'example-lamp'
///    rejected with 404: No shadow exists with name: 'example-lamp'
/// ```
/// Examples print to standard output; tests collect the lines instead.
public final class Narrator: Sendable {
    private let write: @Sendable (String) -> Void
    private let stepCount = Mutex(0)

    /// Creates a narrator that hands every line to `write`.
    ///
    /// - Parameter write: Receives each line, without a trailing newline.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// A narrator that prints to standard output.
    public static func standardOutput() -> Narrator {
        Narrator { line in print(line) }
    }

    /// Announces the next numbered step.
    ///
    /// - Parameter title: What the step does.
    public func step(_ title: String) {
        let number = stepCount.withLock { count in
            count += 1
            return count
        }
        write("")
        write("\(number). \(title)")
    }

    /// Reports what the current step found, indented under it.
    ///
    /// - Parameter text: The result, one or more lines.
    public func result(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            write("   \(line)")
        }
    }

    /// Reports what a participant (`broker`, `service`, `device`…) did, outside the numbered steps.
    ///
    /// - Parameters:
    ///   - role: Who acted.
    ///   - text: What happened.
    public func note(_ role: String, _ text: String) {
        let label = "[\(role)]"
        write(label.padding(toLength: max(label.count + 1, 10), withPad: " ", startingAt: 0) + text)
    }

    /// Writes a line as is.
    ///
    /// - Parameter text: The line.
    public func line(_ text: String) {
        write(text)
    }

    /// How many steps were announced.
    public var steps: Int { stepCount.withLock { $0 } }
}
