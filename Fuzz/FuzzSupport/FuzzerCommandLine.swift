#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The command line of a fuzzer's normal (non-fuzzing) build, shared by every fuzz target:
/// replay files, replay the built-in seeds, or write the seed corpus.
///
/// - `FUZZER FILE...` runs each file through the target and prints what it found.
/// - `FUZZER` (no arguments) runs the built-in seeds.
/// - `FUZZER --write-seeds DIRECTORY` writes the built-in seeds as `seed-N.bin` files.
package enum FuzzerCommandLine {
    /// A usage or file error.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Runs the command line.
    ///
    /// - Parameters:
    ///   - arguments: The arguments without the program name.
    ///   - seeds: The built-in seed inputs.
    ///   - replay: Runs one input through the fuzz target (trapping on a failed check) and
    ///     describes the outcome in a few words.
    package static func run(
        _ arguments: [String], seeds: () -> [[UInt8]], replay: (UnsafeRawBufferPointer) -> String
    ) throws {
        if arguments.first == "--write-seeds" {
            guard arguments.count == 2 else { throw Failure(description: "usage: --write-seeds DIRECTORY") }
            let seeds = seeds()
            for (index, seed) in seeds.enumerated() {
                try write(seed, to: "\(arguments[1])/seed-\(index).bin")
            }
            print("wrote \(seeds.count) seeds to \(arguments[1])")
            return
        }
        if arguments.isEmpty {
            let seeds = seeds()
            for seed in seeds {
                _ = seed.withUnsafeBytes { replay($0) }
            }
            print("replayed the \(seeds.count) built-in seeds, all checks passed")
            return
        }
        for path in arguments {
            let bytes = try read(path)
            let outcome = bytes.withUnsafeBytes { replay($0) }
            print("\(path): \(bytes.count) bytes, \(outcome)")
        }
    }

    /// Writes the seeds when `arguments` is `--write-seeds DIRECTORY`: what a fuzzing build
    /// does before handing its command line to libFuzzer, so no second build is needed for them.
    ///
    /// - Returns: Whether it wrote them (the program should then exit).
    package static func writeSeedsIfAsked(_ arguments: [String], seeds: () -> [[UInt8]]) throws -> Bool {
        guard arguments.first == "--write-seeds" else { return false }
        try run(arguments, seeds: seeds) { _ in "" }
        return true
    }

    /// Reads a whole file.
    package static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw Failure(description: "cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }

    /// Writes `bytes` to a new file.
    package static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw Failure(description: "cannot create \(path)") }
        defer { fclose(file) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw Failure(description: "short write to \(path)") }
    }
}
