import Foundation
@testable import RRGenCore

/// Helpers shared by the generator tests.
enum Fixtures {
    /// The package root, found from this file's path.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, RRGenCoreTests, Tests, root
        return url
    }()

    /// The committed schemas and where their generated code lives.
    static let services: [(schema: String, module: String)] = [
        ("shadow", "IoTShadow"), ("jobs", "IoTJobs"), ("identity", "IoTIdentity"),
    ]

    /// Reads `Schemas/<name>.json`.
    static func schema(_ name: String) throws -> Data {
        try Data(contentsOf: packageRoot.appendingPathComponent("Schemas/\(name).json"))
    }

    /// Parses and validates a schema document.
    static func model(_ json: String) throws(RRGenError) -> ServiceModel {
        try SchemaValidator.validate(SchemaParser.parse(json.utf8))
    }

    /// The problems `json` has, as `path: message` lines (empty when valid).
    static func problems(_ json: String) -> [String] {
        do {
            _ = try model(json)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// A schema with the given shapes (a JSON object body) and no operations.
    static func shapesSchema(_ shapes: String) -> String {
        #"{"name": "Svc", "shapes": {\#(shapes)}}"#
    }

    /// Renders one shape of `json` exactly as the models file would (inside the namespace
    /// extension, so indented one level).
    static func renderShape(
        _ name: String, in json: String, access: RRGenOptions.AccessLevel = .internal
    ) throws -> String {
        let model = try model(json)
        let context = RenderContext(model: model, options: RRGenOptions(accessLevel: access, schemaPath: "test.json"))
        let renderer = ModelsRenderer(context: context)
        var writer = SwiftWriter()
        for shape in model.shapes where shape.name == name {
            switch shape {
            case .structure(let structure): renderer.renderStructure(structure, into: &writer)
            case .enumeration(let enumeration): renderer.renderEnum(enumeration, into: &writer)
            }
        }
        return writer.text
    }

    /// The lines of `text` that mention `needle`, trimmed.
    static func lines(_ text: String, containing needle: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.contains(needle) }
    }
}
