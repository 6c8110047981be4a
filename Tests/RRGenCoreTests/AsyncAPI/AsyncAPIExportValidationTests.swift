import Foundation
import RRGenCore
import Testing

/// The exported documents validate against the official AsyncAPI 3.0.0 JSON Schema, checked by
/// `Schemas/asyncapi/validate.py` (Python `jsonschema`).
///
/// The official schema is not in the repository: set `ASYNCAPI_JSON_SCHEMA` to its path
/// (`schemas/3.0.0-without-$id.json` of asyncapi/spec-json-schemas). Without it, or without
/// python3 and its `jsonschema` and `yaml` modules, the test is skipped, unless
/// `MQTT_RPC_REQUIRE_TOOLS=1`, where it fails.
@Suite struct AsyncAPIExportValidationTests {
    enum Validator {
        static let environment = ProcessInfo.processInfo.environment
        static let isRequired = environment["MQTT_RPC_REQUIRE_TOOLS"] == "1"
        static let schemaPath = environment["ASYNCAPI_JSON_SCHEMA"]
        static let script = Fixtures.packageRoot.appendingPathComponent("Schemas/asyncapi/validate.py").path

        /// Runs a command, returning its exit status and combined output (`nil` if it cannot start).
        static func run(_ arguments: [String]) -> (status: Int32, output: String)? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            do {
                try process.run()
            } catch {
                return nil
            }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }

        static let isAvailable: Bool = {
            guard let schemaPath, FileManager.default.fileExists(atPath: schemaPath) else { return false }
            return run(["python3", "-c", "import jsonschema, yaml"])?.status == 0
        }()
    }

    @Test(
        .enabled(if: Validator.isAvailable || Validator.isRequired), arguments: Fixtures.services.map(\.schema),
        [false, true])
    func exportValidatesAgainstTheOfficialSchema(_ service: String, yaml: Bool) throws {
        try #require(
            Validator.isAvailable,
            "MQTT_RPC_REQUIRE_TOOLS=1 but python3 with jsonschema and yaml, or ASYNCAPI_JSON_SCHEMA, is missing")
        let exported = try RRGen.exportAsyncAPI(schema: Fixtures.schema(service), yaml: yaml)
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("rrgen-\(service)-\(UUID().uuidString).asyncapi.\(yaml ? "yaml" : "json")")
        try Data(exported.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try #require(
            Validator.run(["python3", Validator.script, "--schema", Validator.schemaPath ?? "", file.path]))
        #expect(result.status == 0, "\(result.output)")
    }

    /// The export of a schema using every construct (MQTT 5 replies, nullable references,
    /// maps keyed by enums, every extension) validates too.
    @Test(.enabled(if: Validator.isAvailable || Validator.isRequired))
    func everyConstructExportValidates() throws {
        try #require(Validator.isAvailable, "MQTT_RPC_REQUIRE_TOOLS=1 but the validator is missing")
        let exported = try RRGen.exportAsyncAPI(schema: Array(AsyncAPIServiceTests.everyConstruct.utf8), yaml: true)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rrgen-every-\(UUID().uuidString).asyncapi.yaml")
        try Data(exported.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try #require(
            Validator.run(["python3", Validator.script, "--schema", Validator.schemaPath ?? "", file.path]))
        #expect(result.status == 0, "\(result.output)")
    }

    /// The validator is not a rubber stamp: it rejects a document AsyncAPI 3 does not allow.
    @Test(.enabled(if: Validator.isAvailable || Validator.isRequired))
    func validatorRejectsAnInvalidDocument() throws {
        try #require(Validator.isAvailable, "MQTT_RPC_REQUIRE_TOOLS=1 but the validator is missing")
        let exported = try RRGen.exportAsyncAPI(schema: Fixtures.schema("shadow"), yaml: false)
            .replacingOccurrences(of: "\"action\": \"send\"", with: "\"action\": \"publish\"")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rrgen-invalid-\(UUID().uuidString).json")
        try Data(exported.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try #require(
            Validator.run(["python3", Validator.script, "--schema", Validator.schemaPath ?? "", file.path]))
        #expect(result.status == 1)
    }
}
