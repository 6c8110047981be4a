// Correlation-token extraction on a ~1 KB shadow document, on package-benchmark: the JSON
// scanner the client runs on every response, beside JSONSerialization plus a walk of the path.
// The scanner sits behind `@_spi(Benchmarks)`: this package cannot see the root's `package` API.
import Benchmark
import NIOCore
@_spi(Benchmarks) import RequestResponse

/// A shadow get/accepted response as AWS IoT sends it, the client token last (the scanner's
/// worst case); the same document as rr-token-bench.
func shadowDocument(token: String) -> String {
    var desired: [String] = []
    var reported: [String] = []
    var metadata: [String] = []
    for index in 0..<6 {
        desired.append(#""setting\#(index)":{"enabled":true,"level":\#(index * 7),"label":"mode \#(index) \u00e9"}"#)
        reported.append(#""sensor\#(index)":{"value":\#(Double(index) * 1.25),"unit":"C","history":[1,2,3]}"#)
        metadata.append(#""sensor\#(index)":{"value":{"timestamp":17000000\#(index)}}"#)
    }
    return
        #"{"state":{"desired":{\#(desired.joined(separator: ","))},"reported":{\#(reported.joined(separator: ","))}},"#
        + #""metadata":{"reported":{\#(metadata.joined(separator: ","))}},"version":42,"timestamp":1700000123,"#
        + #""clientToken":"\#(token)"}"#
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    let token = "b5f6d2c0-3c1e-4bd4-9d3e-6a3f1c2b7e90"
    let document = ByteBuffer(string: shadowDocument(token: token))
    let scanner = _JSONTokenScannerBenchmarkEntry(path: "clientToken")
    precondition(scanner.scan(document) == token)
    precondition(scanner.foundationExtract(document) == token)
    let nestedDocument = ByteBuffer(
        string: #"{"meta":{"request":{"token":"abc"}},"# + shadowDocument(token: "x").dropFirst())
    let nestedScanner = _JSONTokenScannerBenchmarkEntry(path: "meta.request.token")
    precondition(nestedScanner.scan(nestedDocument) == "abc")

    Benchmark("Token scan: clientToken, last key of a \(document.readableBytes)-byte shadow document") { benchmark in
        var sum = 0
        for _ in benchmark.scaledIterations {
            sum &+= scanner.scan(document)?.utf8.count ?? 0
        }
        blackHole(sum)
    }

    Benchmark("Token scan: meta.request.token, first key") { benchmark in
        var sum = 0
        for _ in benchmark.scaledIterations {
            sum &+= nestedScanner.scan(nestedDocument)?.utf8.count ?? 0
        }
        blackHole(sum)
    }

    Benchmark(
        "Token scan: JSONSerialization + walk (the reference)",
        configuration: .init(scalingFactor: .one)
    ) { benchmark in
        var sum = 0
        for _ in benchmark.scaledIterations {
            sum &+= scanner.foundationExtract(document)?.utf8.count ?? 0
        }
        blackHole(sum)
    }
}
