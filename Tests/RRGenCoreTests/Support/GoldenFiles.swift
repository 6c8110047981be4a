import Foundation

/// Reads and (with `RRGEN_UPDATE_GOLDEN=1`) rewrites the golden files in `Golden/`.
enum GoldenFiles {
    /// The source folder of the golden files (for updating them).
    static let sourceDirectory = Fixtures.packageRoot.appendingPathComponent("Tests/RRGenCoreTests/Golden")

    /// Whether the run should rewrite golden files instead of comparing.
    static var isUpdating: Bool { ProcessInfo.processInfo.environment["RRGEN_UPDATE_GOLDEN"] == "1" }

    /// The golden file `name` from the test bundle's resources.
    static func contents(_ name: String) -> String? {
        guard let url = Bundle.module.url(forResource: "Golden", withExtension: nil)?.appendingPathComponent(name)
        else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }

    /// Writes a golden file into the source tree.
    static func update(_ name: String, _ contents: String) throws {
        let url = sourceDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url, options: .atomic)
    }
}
