#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CLibFuzzerDriver
import FuzzSupport
import RRGenCore

/// The fuzz target of rrgen's schema front end: parses arbitrary bytes as a schema (the JSON
/// parser, then the schema parser) and validates what parses.
///
/// The checks, each a `fatalError` (a crash to the fuzzer) when it fails: a rejected schema
/// throws an ``RRGenError`` with at least one diagnostic, each with a message. Traps, overflows
/// and out-of-bounds accesses are crashes too.
///
/// Rendering costs milliseconds per schema, a thousand times the parse, so the fuzzing build
/// stops at validation (`render: false`); the replay build renders every valid input as well,
/// twice, and checks that the output is four non-empty files and deterministic. Replaying the
/// corpus a fuzzing run leaves (`RRGenSchemaFuzzer .build-fuzz/corpus/RRGenSchemaFuzzer/*`)
/// so puts the renderers through the inputs the fuzzer found.
enum RRGenSchemaFuzzer {
    static let options = RRGenOptions(accessLevel: .public, schemaPath: "fuzz.json")

    /// Runs one input; describes the outcome. Traps when a check fails.
    @discardableResult
    static func run(_ input: UnsafeRawBufferPointer, render: Bool) -> String {
        let bytes = Array(input)
        let model: ServiceModel
        do {
            model = try SchemaValidator.validate(SchemaParser.parse(bytes))
        } catch {
            guard !error.diagnostics.isEmpty else { fatalError("an RRGenError without diagnostics") }
            for diagnostic in error.diagnostics where diagnostic.message.isEmpty {
                fatalError("a diagnostic without a message at \(diagnostic.path)")
            }
            return "rejected: \(error.diagnostics[0])"
        }
        guard render else { return "valid" }
        let files = RRGen.render(model, options: options)
        guard files.count == 4, files.allSatisfy({ !$0.contents.isEmpty }) else {
            fatalError("an accepted schema rendered \(files.map { ($0.name, $0.contents.utf8.count) })")
        }
        guard (try? RRGen.generate(schema: bytes, options: options)) == files else {
            fatalError("generating twice gave different output")
        }
        return "accepted, \(files.reduce(0) { $0 + $1.contents.utf8.count }) bytes of Swift"
    }

    /// Small valid schemas (at most 1,280 bytes, the fuzzing run's length limit): the example of
    /// `Schemas/README.md` and `Tests/ServiceClientTests/Echo.rrgen.json` without their
    /// documentation, minified; and two small documents.
    static func seeds() -> [[UInt8]] {
        let schemas = [
            #"{"name":"Thermostat","shapes":{"SetRequest":{"type":"structure","members":{"deviceId":{"type":"string","required":true},"clientToken":{"type":"string"},"target":{"type":"double","required":true},"schedule":{"type":"document","nullable":true}}},"SetResponse":{"type":"structure","members":{"clientToken":{"type":"string"},"appliedAt":{"type":"timestamp","required":true}}},"Rejection":{"type":"structure","members":{"clientToken":{"type":"string"},"reason":{"type":"Reason","required":true}}},"Reason":{"type":"enum","values":["OUT_OF_RANGE","BUSY"]},"Reading":{"type":"structure","members":{"celsius":{"type":"double","required":true}}},"DeviceRequest":{"type":"structure","members":{"deviceId":{"type":"string","required":true}}}},"operations":{"Set":{"request":"SetRequest","publishTopic":"thermostats/{deviceId}/set","subscriptions":["thermostats/{deviceId}/set/+"],"responses":[{"topic":"thermostats/{deviceId}/set/accepted","shape":"SetResponse"},{"topic":"thermostats/{deviceId}/set/rejected","shape":"Rejection","error":true}],"correlation":{"kind":"token","member":"clientToken"}}},"streams":{"Readings":{"request":"DeviceRequest","topic":"thermostats/{deviceId}/readings","event":"Reading"}}}"#,
            #"{"name":"Echo","shapes":{"EchoRequest":{"type":"structure","members":{"room":{"type":"string","required":true},"seq":{"type":"integer","required":true},"text":{"type":"string","required":true},"attachment":{"type":"blob"}}},"EchoResponse":{"type":"structure","members":{"text":{"type":"string","required":true},"room":{"type":"string","required":true},"seq":{"type":"integer","required":true},"attachment":{"type":"blob"},"at":{"type":"timestamp","required":true}}},"EchoError":{"type":"structure","members":{"reason":{"type":"string","required":true}}},"Tick":{"type":"structure","members":{"at":{"type":"timestamp","required":true}}}},"operations":{"Echo":{"request":"EchoRequest","publishTopic":"echo/{room}/{seq}","responses":[{"shape":"EchoResponse"},{"shape":"EchoError","error":true}],"correlation":{"kind":"correlationData"}}},"streams":{"Ticks":{"topic":"ticks/#","event":"Tick"}}}"#,
            #"{}"#,
            #"{"name":"A","shapes":{"E":{"type":"enum","values":["a","b"]}}}"#,
        ]
        return schemas.map { Array($0.utf8) }
    }
}

/// The program's entry point: libFuzzer's driver when built with `-DFUZZING -sanitize=fuzzer`
/// (`--write-seeds DIRECTORY` writes the seed corpus instead), otherwise the replay command line (`RRGenSchemaFuzzer FILE...`, `--write-seeds DIRECTORY`).
@main
enum RRGenSchemaFuzzerMain {
    static func main() throws {
        #if FUZZING
            if try FuzzerCommandLine.writeSeedsIfAsked(
                Array(CommandLine.arguments.dropFirst()), seeds: RRGenSchemaFuzzer.seeds)
            {
                return
            }
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(
                LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                    guard let data else { return 0 }
                    RRGenSchemaFuzzer.run(UnsafeRawBufferPointer(start: data, count: size), render: false)
                    return 0
                })
        #else
            try FuzzerCommandLine.run(Array(CommandLine.arguments.dropFirst()), seeds: RRGenSchemaFuzzer.seeds) {
                input in
                RRGenSchemaFuzzer.run(input, render: true)
            }
        #endif
    }
}
