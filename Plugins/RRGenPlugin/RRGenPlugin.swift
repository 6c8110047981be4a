import Foundation
import PackagePlugin

/// Generates Swift from every `*.rrgen.json` schema and `*.asyncapi.yaml`, `*.asyncapi.yml` or
/// `*.asyncapi.json` AsyncAPI 3 document in a target at build time.
///
/// Add it to a target: `plugins: [.plugin(name: "RRGenPlugin", package: "swift-mqtt-rpc")]`, and
/// depend on the `MQTTServiceRuntime` and `RequestResponse` products. A schema `Echo.rrgen.json`
/// produces `Echo.swift`, `Echo+Operations.swift`, `Echo+Client.swift` and `Echo+Service.swift`.
/// Declarations are `internal` unless an `rrgen-config.json` beside the schemas says
/// `{"access": "public"}`.
@main
struct RRGenPlugin: BuildToolPlugin {
    static let schemaSuffixes = [".rrgen.json", ".asyncapi.yaml", ".asyncapi.yml", ".asyncapi.json"]
    static let configurationFileName = "rrgen-config.json"

    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let tool = try context.tool(named: "rrgen")
        let files = Array(target.sourceFiles)
        let access = try Self.accessLevel(from: files)
        let configuration =
            files.first { $0.url.lastPathComponent == Self.configurationFileName }.map { [$0.url] } ?? []
        return files.compactMap { file -> (File, String)? in
            let name = file.url.lastPathComponent
            guard let suffix = Self.schemaSuffixes.first(where: { name.hasSuffix($0) }) else { return nil }
            return (file, String(name.dropLast(suffix.count)))
        }.map { schema, stem in
            let fileName = schema.url.lastPathComponent
            let outputDirectory = context.pluginWorkDirectoryURL.appending(path: stem)
            let outputs = ["", "+Operations", "+Client", "+Service"].map {
                outputDirectory.appending(path: "\(stem)\($0).swift")
            }
            return .buildCommand(
                displayName: "rrgen \(fileName)",
                executable: tool.url,
                arguments: [
                    schema.url.path(percentEncoded: false), "--output", outputDirectory.path(percentEncoded: false),
                    "--file-stem", stem, "--header-path", fileName, "--access", access,
                ],
                inputFiles: [schema.url] + configuration,
                outputFiles: outputs)
        }
    }

    /// The access level from `rrgen-config.json`, `internal` without one.
    static func accessLevel(from files: [File]) throws -> String {
        guard let configuration = files.first(where: { $0.url.lastPathComponent == configurationFileName }) else {
            return "internal"
        }
        let data = try Data(contentsOf: configuration.url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RRGenPluginError("\(configurationFileName) must be a JSON object such as {\"access\": \"public\"}")
        }
        let access = object["access"] as? String ?? "internal"
        guard access == "internal" || access == "public" else {
            throw RRGenPluginError(
                "\(configurationFileName): \"access\" must be \"internal\" or \"public\", found \"\(access)\"")
        }
        return access
    }
}

/// A problem with the plugin's configuration.
struct RRGenPluginError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
