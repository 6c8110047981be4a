import Foundation
import RRGenCore
import Testing

/// The generated clients in `Sources/IoT*` must be exactly what the schemas generate today
/// (public access), or someone edited generated code or forgot to regenerate.
///
/// Regenerate with `swift run rrgen Schemas/<schema>.json --access public --output Sources/<Module>`.
@Suite struct DriftTests {
    @Test(arguments: Fixtures.services)
    func generatedSourcesMatchSchemas(_ service: (schema: String, module: String)) throws {
        let options = RRGenOptions(accessLevel: .public, schemaPath: "Schemas/\(service.schema).json")
        let files = try RRGen.generate(schema: Fixtures.schema(service.schema), options: options)
        let directory = Fixtures.packageRoot.appendingPathComponent("Sources/\(service.module)")
        for file in files {
            let onDisk = try? String(contentsOf: directory.appendingPathComponent(file.name), encoding: .utf8)
            #expect(
                onDisk == file.contents,
                "Sources/\(service.module)/\(file.name) is stale; run: swift run rrgen Schemas/\(service.schema).json --access public --output Sources/\(service.module)"
            )
        }
        let expectedNames = Set(files.map(\.name))
        let swiftFiles = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".swift")
        }
        #expect(Set(swiftFiles) == expectedNames, "Sources/\(service.module) holds files rrgen does not generate")
    }
}
