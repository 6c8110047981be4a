// swift-tools-version: 6.2
import PackageDescription

// Warnings are errors in CI: `.ci/run` sets MQTT_RPC_WERROR=1.
let strictSettings: [SwiftSetting] = {
    var settings: [SwiftSetting] = [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
    if Context.environment["MQTT_RPC_WERROR"] != nil {
        settings.append(.treatAllWarnings(as: .error))
    }
    return settings
}()

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

let package = Package(
    name: "swift-mqtt-rpc",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MQTT5", targets: ["MQTT5"]),
        .library(name: "MQTT5Testing", targets: ["MQTT5Testing"]),
        .library(name: "MQTT5Persistence", targets: ["MQTT5Persistence"]),
        .library(name: "MQTT5AWS", targets: ["MQTT5AWS"]),
        .library(name: "RequestResponse", targets: ["RequestResponse"]),
        .library(name: "MQTTServiceRuntime", targets: ["MQTTServiceRuntime"]),
        .library(name: "IoTShadow", targets: ["IoTShadow"]),
        .library(name: "IoTJobs", targets: ["IoTJobs"]),
        .library(name: "IoTIdentity", targets: ["IoTIdentity"]),
        .library(name: "RRGenCore", targets: ["RRGenCore"]),
        .executable(name: "rrgen", targets: ["rrgen"]),
        .plugin(name: "RRGenPlugin", targets: ["RRGenPlugin"]),
        .executable(name: "mqtt", targets: ["mqtt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    ],
    targets: [
        // MARK: Runtime libraries
        .target(
            name: "MQTT5",
            dependencies: nio + [
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // AWS IoT Core connection helpers: SigV4-signed WebSockets and custom authorizers. Apart
        // from the core so that swift-crypto is not a dependency of `MQTT5`.
        .target(
            name: "MQTT5AWS",
            dependencies: ["MQTT5", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "MQTT5Testing",
            dependencies: nio + [
                "MQTT5",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The SQLite session store: its own product, so the core never depends on a database.
        .target(
            name: "MQTT5Persistence",
            dependencies: [
                "MQTT5", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RequestResponse",
            dependencies: nio + [
                "MQTT5",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "MQTTServiceRuntime",
            dependencies: [
                "RequestResponse", "MQTT5",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "IoTShadow", dependencies: ["MQTTServiceRuntime", "RequestResponse"], swiftSettings: strictSettings),
        .target(
            name: "IoTJobs", dependencies: ["MQTTServiceRuntime", "RequestResponse"], swiftSettings: strictSettings),
        .target(
            name: "IoTIdentity", dependencies: ["MQTTServiceRuntime", "RequestResponse"], swiftSettings: strictSettings),

        // MARK: Code generator
        .target(
            name: "RRGenCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            path: "CodeGen/RRGenCore",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rrgen",
            dependencies: ["RRGenCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "CodeGen/rrgen",
            swiftSettings: strictSettings
        ),
        .plugin(name: "RRGenPlugin", capability: .buildTool(), dependencies: ["rrgen"]),

        // MARK: Examples and benchmarks
        .executableTarget(
            name: "mqtt5-smoke",
            dependencies: nio + ["MQTT5", "MQTT5Testing"],
            path: "Examples/Smoke",
            swiftSettings: strictSettings
        ),
        // The runnable examples: each starts an embedded broker and the service it talks to when
        // no --url is given. `ExampleSupport` holds their command-line and connection plumbing,
        // `ExampleServices` the in-memory AWS IoT services (also used by ServiceClientTests).
        .target(
            name: "ExampleSupport",
            dependencies: [
                "MQTT5", "MQTT5Testing", "RequestResponse", "MQTTServiceRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/ExampleSupport",
            swiftSettings: strictSettings
        ),
        .target(
            name: "ExampleServices",
            dependencies: [
                "IoTShadow", "IoTJobs", "IoTIdentity", "MQTTServiceRuntime", "MQTT5",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/ExampleServices",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ShadowExample",
            dependencies: [
                "ExampleSupport", "ExampleServices", "IoTShadow", "MQTTServiceRuntime", "RequestResponse", "MQTT5",
            ],
            path: "Examples/ShadowExample",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "JobsExample",
            dependencies: [
                "ExampleSupport", "ExampleServices", "IoTJobs", "MQTTServiceRuntime", "RequestResponse", "MQTT5",
            ],
            path: "Examples/JobsExample",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ProvisioningExample",
            dependencies: [
                "ExampleSupport", "ExampleServices", "IoTIdentity", "MQTTServiceRuntime", "RequestResponse", "MQTT5",
            ],
            path: "Examples/ProvisioningExample",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "CustomServiceExample",
            dependencies: [
                "ExampleSupport", "ExampleServices", "MQTTServiceRuntime", "RequestResponse", "MQTT5",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/CustomService",
            swiftSettings: strictSettings,
            plugins: ["RRGenPlugin"]
        ),
        .executableTarget(
            name: "ThermostatService",
            dependencies: [
                "MQTT5", "MQTT5Testing", "MQTTServiceRuntime", "RequestResponse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Examples/ThermostatService",
            swiftSettings: strictSettings,
            plugins: ["RRGenPlugin"]
        ),
        .executableTarget(
            name: "rrbench",
            dependencies: nio + [
                "MQTT5", "RequestResponse", "MQTTServiceRuntime", "IoTShadow",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/RRBench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rrgen-bench",
            dependencies: ["RRGenCore"],
            path: "Benchmarks/CodegenBenchmark",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "mqtt5-bench",
            dependencies: nio + ["MQTT5"],
            path: "Benchmarks/CodecBenchmark",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rr-token-bench",
            dependencies: ["RequestResponse", .product(name: "NIOCore", package: "swift-nio")],
            path: "Benchmarks/TokenScanBenchmark",
            swiftSettings: strictSettings
        ),

        // MARK: Fuzzing
        // `Fuzz/run-fuzzer.sh TARGET` builds one of these with `-sanitize=fuzzer,address -DFUZZING`;
        // a normal build replays corpus files given as arguments.
        .executableTarget(
            name: "FrameDecoderFuzzer",
            dependencies: [
                "MQTT5", "CLibFuzzerDriver", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Fuzz/FrameDecoderFuzzer",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "JSONTokenScannerFuzzer",
            dependencies: [
                "RequestResponse", "RRGenCore", "CLibFuzzerDriver", "FuzzSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Fuzz/JSONTokenScannerFuzzer",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "RRGenSchemaFuzzer",
            dependencies: ["RRGenCore", "CLibFuzzerDriver", "FuzzSupport"],
            path: "Fuzz/RRGenSchemaFuzzer",
            swiftSettings: strictSettings
        ),
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport", swiftSettings: strictSettings),
        .target(name: "CLibFuzzerDriver", path: "Fuzz/CLibFuzzerDriver"),

        .executableTarget(
            name: "mqtt",
            dependencies: nio + [
                "MQTT5", "MQTT5Persistence", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/mqtt",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "mqtt-throughput",
            dependencies: nio + ["MQTT5", "MQTT5Testing", "MQTT5Persistence"],
            path: "Benchmarks/MQTTThroughput",
            swiftSettings: strictSettings
        ),

        // MARK: Tests
        // Helpers shared by the MQTT5 unit and integration tests (not a product).
        .target(
            name: "MQTT5TestSupport",
            dependencies: ["MQTT5", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/MQTT5TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MQTT5Tests",
            dependencies: nio + [
                "MQTT5", "MQTT5Testing", "MQTT5TestSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MQTT5IntegrationTests",
            dependencies: nio + [
                "MQTT5", "MQTT5Testing", "MQTT5TestSupport", "MQTT5AWS", "mqtt",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The store contract (both stores) and the process-kill test, which runs the `mqtt` CLI
        // (the dependency makes `swift test` build it).
        .testTarget(
            name: "MQTT5PersistenceTests",
            dependencies: nio + [
                "MQTT5", "MQTT5Persistence", "MQTT5Testing", "mqtt", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MQTT5AWSTests",
            dependencies: ["MQTT5AWS", "MQTT5", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MQTT5TestingTests",
            dependencies: nio + [
                "MQTT5Testing", "MQTT5", "MQTT5TestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RequestResponseTests",
            dependencies: nio + [
                "RequestResponse", "MQTT5", "MQTT5Testing",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceClientTests",
            dependencies: nio + [
                "IoTShadow", "IoTJobs", "IoTIdentity", "MQTTServiceRuntime", "RequestResponse", "MQTT5", "MQTT5Testing",
                "ExampleServices",
            ],
            swiftSettings: strictSettings,
            plugins: ["RRGenPlugin"]
        ),
        .testTarget(
            name: "ExamplesTests",
            dependencies: [
                "ShadowExample", "JobsExample", "ProvisioningExample", "CustomServiceExample", "ThermostatService",
                "ExampleSupport", "ExampleServices", "IoTShadow", "IoTJobs", "IoTIdentity", "MQTTServiceRuntime",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RRGenCoreTests",
            dependencies: ["RRGenCore"],
            resources: [.copy("Golden")],
            swiftSettings: strictSettings
        ),
    ]
)
