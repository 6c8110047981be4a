// rrgen-bench: how long RRGenCore takes to turn the shipped schemas into Swift.
// Run in release: `swift run -c release rrgen-bench [Schemas/*.json]`.
import Foundation
import RRGenCore

let arguments = CommandLine.arguments.dropFirst()
let paths =
    arguments.isEmpty ? ["Schemas/shadow.json", "Schemas/jobs.json", "Schemas/identity.json"] : Array(arguments)
let schemas = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
let options = RRGenOptions(accessLevel: .public, schemaPath: "schema.json")

var lines = 0
for data in schemas {  // warm-up, and the size of the output
    lines += try RRGen.generate(schema: data, options: options).reduce(0) {
        $0 + $1.contents.split(separator: "\n").count
    }
}
let rounds = 20
let clock = ContinuousClock()
let elapsed = try clock.measure {
    for _ in 0..<rounds {
        for data in schemas { _ = try RRGen.generate(schema: data, options: options) }
    }
}
let perRound = elapsed / rounds
print("rrgen-bench: \(paths.count) schemas -> \(lines) lines of Swift in \(perRound) per round (mean of \(rounds))")
