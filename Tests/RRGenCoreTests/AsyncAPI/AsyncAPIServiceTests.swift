import Foundation
import RRGenCore
import Testing

/// The shipped services: each AsyncAPI document generates exactly the Swift its native schema
/// generates, and every native schema survives native -> AsyncAPI -> native unchanged.
@Suite struct AsyncAPIServiceTests {
    @Test(arguments: Fixtures.services.map(\.schema))
    func shippedAsyncAPIDocumentGeneratesTheNativeSwift(_ service: String) throws {
        let options = RRGenOptions(accessLevel: .public, schemaPath: "Schemas/\(service).json")
        let native = try RRGen.generate(schema: Fixtures.schema(service), options: options)
        let fromAsyncAPI = try RRGen.generate(schema: AsyncAPIFixtures.document(service), options: options)
        #expect(fromAsyncAPI.map(\.name) == native.map(\.name))
        for (left, right) in zip(native, fromAsyncAPI) {
            #expect(
                left.contents == right.contents,
                "Schemas/asyncapi/\(service).asyncapi.yaml generates a different \(left.name)")
        }
    }

    @Test(arguments: Fixtures.services.map(\.schema), [false, true])
    func roundTripGeneratesIdenticalSwift(_ service: String, yaml: Bool) throws {
        let options = RRGenOptions(schemaPath: "Schemas/\(service).json")
        let native = try RRGen.generate(schema: Fixtures.schema(service), options: options)
        let exported = try RRGen.exportAsyncAPI(schema: Fixtures.schema(service), yaml: yaml)
        let reread = try RRGen.generate(schema: Array(exported.utf8), options: options)
        #expect(reread == native)
        // Exporting the AsyncAPI document again gives the same document.
        #expect(try RRGen.exportAsyncAPI(schema: Array(exported.utf8), yaml: yaml) == exported)
    }

    /// The committed documents are what the exporter writes today.
    @Test(arguments: Fixtures.services.map(\.schema))
    func shippedDocumentsAreCurrentExports(_ service: String) throws {
        let exported = try RRGen.exportAsyncAPI(schema: Fixtures.schema(service), yaml: true)
        let committed = try String(decoding: AsyncAPIFixtures.document(service), as: UTF8.self)
        #expect(
            committed == exported,
            "regenerate: swift run rrgen Schemas/\(service).json --to asyncapi --output Schemas/asyncapi/\(service).asyncapi.yaml"
        )
    }

    /// The end-to-end test's document (Tests/ServiceClientTests) is the shipped shadow document
    /// under another namespace.
    @Test func serviceClientTestsCopyMatchesTheShippedDocument() throws {
        let shipped = try String(decoding: AsyncAPIFixtures.document("shadow"), as: UTF8.self)
        let copy = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent(
                "Tests/ServiceClientTests/AsyncAPIShadow.asyncapi.yaml"), encoding: .utf8)
        let expected = shipped.replacingOccurrences(
            of: "  title: IoTShadow\n", with: "  title: IoTShadow\n  x-rrgen-name: AsyncAPIShadow\n")
        #expect(
            copy == expected,
            "copy Schemas/asyncapi/shadow.asyncapi.yaml to Tests/ServiceClientTests/AsyncAPIShadow.asyncapi.yaml and add x-rrgen-name: AsyncAPIShadow under info.title"
        )
    }

    /// A schema using every construct (MQTT 5 correlation, every member type, nullability,
    /// maps keyed by an enum, enum value names and documentation) round-trips.
    @Test(arguments: [false, true])
    func everyConstructRoundTrips(yaml: Bool) throws {
        let native = Array(Self.everyConstruct.utf8)
        let options = RRGenOptions(schemaPath: "every.json")
        let expected = try RRGen.generate(schema: native, options: options)
        let exported = try RRGen.exportAsyncAPI(schema: native, yaml: yaml)
        #expect(try RRGen.generate(schema: Array(exported.utf8), options: options) == expected)
    }

    static let everyConstruct = #"""
        {"name": "Every", "documentation": "All constructs.",
         "shapes": {
           "Color": {"type": "enum", "documentation": "A color.", "values": [
             {"value": "RED", "documentation": "Red."}, {"value": "dark-blue", "swiftName": "navy"}, "GREEN"]},
           "Inner": {"type": "structure", "members": {"x": {"type": "double", "required": true}}},
           "SetRequest": {"type": "structure", "documentation": "Sets.", "members": {
             "deviceId": {"type": "string", "required": true, "documentation": "From the topic."},
             "text": {"type": "string", "required": true},
             "count": {"type": "integer"},
             "big": {"type": "long", "nullable": true},
             "ratio": {"type": "double", "required": true, "nullable": true},
             "flag": {"type": "boolean"},
             "at": {"type": "timestamp"},
             "bytes": {"type": "blob"},
             "any": {"type": "document", "nullable": true},
             "anyAgain": {"type": "document"},
             "inner": {"type": "Inner", "nullable": true, "documentation": "Nested."},
             "color": {"type": "Color", "swiftName": "colour"},
             "list": {"type": {"list": {"list": "Inner"}}},
             "map": {"type": {"map": "string"}},
             "byColor": {"type": {"map": {"list": "long"}, "key": "Color"}, "nullable": true}}},
           "SetResponse": {"type": "structure", "members": {"ok": {"type": "boolean", "required": true}}},
           "Problem": {"type": "structure", "members": {"reason": {"type": "Color", "required": true}}},
           "Watch": {"type": "structure", "members": {"deviceId": {"type": "string", "required": true}}},
           "Tick": {"type": "structure", "members": {"n": {"type": "integer", "required": true}}}
         },
         "operations": {
           "Set": {"documentation": "Sets it.", "request": "SetRequest", "publishTopic": "dev/{deviceId}/set",
             "responses": [{"shape": "SetResponse"}, {"shape": "Problem", "error": true}],
             "correlation": {"kind": "correlationData"}, "timeout": 2.5}
         },
         "streams": {
           "Ticks": {"documentation": "Ticks.", "request": "Watch", "topic": "dev/{deviceId}/ticks", "event": "Tick"},
           "AllTicks": {"topic": "dev/+/ticks", "event": "Tick"}
         }}
        """#
}

/// The AsyncAPI examples in README.md and Schemas/README.md generate without problems.
@Suite struct AsyncAPIDocumentationExampleTests {
    /// The ```yaml blocks of a Markdown file that are AsyncAPI documents.
    static func examples(in file: String) throws -> [String] {
        let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(file), encoding: .utf8)
        var examples: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" {
                current = []
            } else if current != nil, line == "```" {
                examples.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return examples.filter { $0.hasPrefix("asyncapi: ") }
    }

    @Test(arguments: ["README.md", "Schemas/README.md"])
    func examplesGenerate(_ file: String) throws {
        let examples = try Self.examples(in: file)
        #expect(!examples.isEmpty, "\(file) has no AsyncAPI example")
        for example in examples {
            #expect(AsyncAPIFixtures.problems(example) == [])
        }
    }
}
