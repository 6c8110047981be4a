import ExampleSupport
import Synchronization

/// Keeps the lines an example narrates, so a test can check the story it told.
final class LineRecorder: Sendable {
    private final class Storage: Sendable {
        let lines = Mutex<[String]>([])
    }

    private let storage = Storage()
    /// The narrator to hand to the example; it writes here.
    let narrator: Narrator

    init() {
        let storage = self.storage
        narrator = Narrator { line in storage.lines.withLock { $0.append(line) } }
    }

    /// Every line so far.
    var lines: [String] { storage.lines.withLock { $0 } }

    /// Whether some line contains `text`.
    func contains(_ text: String) -> Bool {
        lines.contains { $0.contains(text) }
    }

    /// The lines, for failure messages.
    var transcript: String { lines.joined(separator: "\n") }
}
