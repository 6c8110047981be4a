// rrgen on the three shipped schemas, on package-benchmark: time and allocations to parse,
// validate and render each (one iteration = one schema generated).
import Benchmark
import Foundation
import RRGenCore

/// The repository root, from this file's path (Benchmarks/Benchmarks/RRGenBenchmarks/…).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )
    let options = RRGenOptions(accessLevel: .public, schemaPath: "schema.json")
    for name in ["shadow", "jobs", "identity"] {
        let url = repositoryRoot.appendingPathComponent("Schemas/\(name).json")
        guard let schema = try? [UInt8](Data(contentsOf: url)) else { fatalError("cannot read \(url.path)") }
        Benchmark("Codegen: generate Schemas/\(name).json (\(schema.count) bytes)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try! RRGen.generate(schema: schema, options: options))
            }
        }
        Benchmark("Codegen: parse + validate Schemas/\(name).json") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try! SchemaValidator.validate(SchemaParser.parse(schema)))
            }
        }
    }
}
