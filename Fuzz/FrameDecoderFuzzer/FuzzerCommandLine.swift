#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MQTT5
import NIOCore

/// The command line of the non-fuzzing build: replay files or write the seed corpus.
enum FuzzerCommandLine {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) throws {
        if arguments.first == "--write-seeds" {
            guard arguments.count == 2 else { throw Failure(description: "usage: --write-seeds DIRECTORY") }
            let seeds = FuzzSeeds.all()
            for (index, seed) in seeds.enumerated() {
                try write(seed, to: "\(arguments[1])/seed-\(index).bin")
            }
            print("wrote \(seeds.count) seeds to \(arguments[1])")
            return
        }
        if arguments.isEmpty {
            var total = 0
            for seed in FuzzSeeds.all() {
                total += seed.withUnsafeBytes { FrameDecoderFuzzer.run($0) }
            }
            print("replayed the built-in seeds: \(total) packets decoded")
            return
        }
        for path in arguments {
            let bytes = try read(path)
            let packets = bytes.withUnsafeBytes { FrameDecoderFuzzer.run($0) }
            print("\(path): \(bytes.count) bytes, \(packets) packets decoded, no asymmetry")
        }
    }

    static func read(_ path: String) throws -> [UInt8] {
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

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw Failure(description: "cannot create \(path)") }
        defer { fclose(file) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw Failure(description: "short write to \(path)") }
    }
}
