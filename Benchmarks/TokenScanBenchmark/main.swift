// rr-token-bench: measures correlation-token extraction on a ~1 KB shadow document,
// the JSON scanner against JSONSerialization (parse, then walk the path).
//
//     swift run -c release rr-token-bench [iterations] [scan-only]

import Foundation
import NIOCore
import RequestResponse

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200_000

/// A shadow get/accepted response as AWS IoT sends it: state, metadata with timestamps,
/// version, timestamp, and the client token last (the scanner's worst case).
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

let document = ByteBuffer(string: shadowDocument(token: "b5f6d2c0-3c1e-4bd4-9d3e-6a3f1c2b7e90"))
let path = JSONTokenScanner.Path("clientToken")
let nestedDocument = ByteBuffer(
    string: #"{"meta":{"request":{"token":"abc"}},"#.dropLast() + "," + shadowDocument(token: "x").dropFirst())
let nestedPath = JSONTokenScanner.Path("meta.request.token")

func measure(_ name: String, _ iterations: Int, _ body: () -> JSONTokenScanner.Outcome) -> Double {
    var sink = 0
    for _ in 0..<min(iterations / 10, 10_000) { if case .found = body() { sink &+= 1 } }  // warm-up
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<iterations {
        if case .found(let token) = body() { sink &+= token.utf8.count }
    }
    let elapsed = clock.now - start
    let (seconds, attoseconds) = elapsed.components
    let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    let perOperation = nanoseconds / Double(iterations)
    print(
        "\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%9.1f", perOperation)) ns/op   (check \(sink))"
    )
    return perOperation
}

print("document: \(document.readableBytes) bytes, \(iterations) iterations")
precondition(JSONTokenScanner.scan(document, path: path) == .found("b5f6d2c0-3c1e-4bd4-9d3e-6a3f1c2b7e90"))
precondition(
    JSONTokenScanner.foundationExtract(from: document, path: path) == JSONTokenScanner.scan(document, path: path))
precondition(JSONTokenScanner.scan(nestedDocument, path: nestedPath) == .found("abc"))
let scan = measure("scanner (clientToken, last key)", iterations) { JSONTokenScanner.scan(document, path: path) }
let scanNested = measure("scanner (meta.request.token, first key)", iterations) {
    JSONTokenScanner.scan(nestedDocument, path: nestedPath)
}
if CommandLine.arguments.contains("scan-only") { exit(0) }
let foundationIterations = max(1, iterations / 10)
let foundation = measure("JSONSerialization + walk (clientToken)", foundationIterations) {
    JSONTokenScanner.foundationExtract(from: document, path: path)
}
print(
    "scanner is \(String(format: "%.1f", foundation / scan))x faster than JSONSerialization (\(String(format: "%.0f", Double(document.readableBytes) / scan * 1e9 / 1e6)) MB/s)"
)
_ = scanNested
