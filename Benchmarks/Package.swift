// swift-tools-version: 6.1
//
// Micro-benchmarks on ordo-one's package-benchmark, in their own package (as swift-nio does) so
// that the root package never depends on it. Each reports wall-clock time, throughput and
// allocations per operation. From the repository root:
//
//     swift package --package-path Benchmarks benchmark                      # all, release
//     swift package --package-path Benchmarks benchmark --filter 'Codec.*'   # some
//
// Benchmarks/README.md lists the figures.
import PackageDescription

/// The root package's identity: SwiftPM names a path dependency after its directory, which is
/// `swift-mqtt-rpc` in a plain clone but may be anything (a worktree, a CI checkout).
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "swift-mqtt-rpc")

let benchmarkPlugin: [Target.PluginUsage] = [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]

let package = Package(
    name: "swift-mqtt-rpc-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // The malloc interposer counts allocations; the trait list also leaves out the Swift 6.3
        // runtime interposer, which is not needed for malloc counts.
        .package(
            url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "MQTT5Benchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "MQTT5", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/MQTT5Benchmarks",
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "RequestResponseBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "RequestResponse", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/RequestResponseBenchmarks",
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "RRGenBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "RRGenCore", package: root),
            ],
            path: "Benchmarks/RRGenBenchmarks",
            plugins: benchmarkPlugin
        ),
    ]
)
