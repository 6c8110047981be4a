import Foundation
import RRGenCore
import Testing

/// The three committed schemas rendered with default options (internal access) against the
/// files in `Golden/`. Run with `RRGEN_UPDATE_GOLDEN=1` to accept a deliberate change.
@Suite struct GoldenTests {
    @Test(arguments: Fixtures.services.map(\.schema))
    func schemaMatchesGoldenFiles(_ schema: String) throws {
        let files = try RRGen.generate(
            schema: Fixtures.schema(schema), options: RRGenOptions(schemaPath: "Schemas/\(schema).json"))
        #expect(files.count == 4)
        for file in files {
            let golden = "\(schema)/\(file.name)"
            if GoldenFiles.isUpdating {
                try GoldenFiles.update(golden, file.contents)
                continue
            }
            let expected = try #require(GoldenFiles.contents(golden), "missing golden file \(golden)")
            #expect(
                file.contents == expected,
                "\(golden) differs; rerun with RRGEN_UPDATE_GOLDEN=1 if the change is intended")
        }
    }

    @Test func renderingIsDeterministic() throws {
        for service in Fixtures.services {
            let data = try Fixtures.schema(service.schema)
            let options = RRGenOptions(accessLevel: .public, schemaPath: "x.json")
            let first = try RRGen.generate(schema: data, options: options)
            let second = try RRGen.generate(schema: data, options: options)
            #expect(first == second)
        }
    }
}
