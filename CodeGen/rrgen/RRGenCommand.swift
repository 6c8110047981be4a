public import ArgumentParser
import Foundation
import RRGenCore

/// `rrgen`: generates a Swift client and service from an rrgen service schema.
@main
struct RRGenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rrgen",
        abstract: "Generate a typed Swift client and service from an rrgen schema or an AsyncAPI 3 document.",
        discussion: """
            The input is rrgen's schema format or an AsyncAPI 3.0/3.1 document (a top-level
            "asyncapi" key), as JSON or YAML.

            Writes the generated Swift to standard output, or one file per concern to --output:
            <Service>.swift (models), <Service>+Operations.swift, <Service>+Client.swift and
            <Service>+Service.swift. Files whose contents are unchanged are not rewritten.

            --to asyncapi (YAML) or --to asyncapi-json exports the schema as an AsyncAPI 3.0
            document instead, to standard output or to the file --output names.

            Exit codes: 0 success; 1 the schema is invalid (problems on standard error as
            file:line:column: error: path: message); 2 --check found files that differ;
            3 a file could not be read or written; 64 invalid arguments.
            """)

    /// What to produce.
    enum Target: String, ExpressibleByArgument, CaseIterable {
        case swift
        case asyncapi
        case asyncapiJSON = "asyncapi-json"
    }

    @Argument(help: "The service schema: rrgen's format or AsyncAPI 3, JSON or YAML.")
    var schema: String

    @Option(name: .long, help: "What to produce: swift, asyncapi (YAML) or asyncapi-json.")
    var to: Target = .swift

    @Option(name: .long, help: "Write files into this directory instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Access level of generated declarations: internal or public.")
    var access: RRGenOptions.AccessLevel = .internal

    @Flag(name: .long, help: "Do not write: exit 2 if the files in --output differ from what would be generated.")
    var check = false

    @Option(name: .long, help: "Stem of the generated file names (default: the service name).")
    var fileStem: String?

    @Option(name: .long, help: "Schema path to name in the do-not-edit header (default: the schema argument).")
    var headerPath: String?

    func validate() throws {
        if check && output == nil {
            throw ValidationError("--check needs --output: it compares the files in that directory.")
        }
        if check && to != .swift {
            throw ValidationError("--check compares generated Swift; it does not apply to --to \(to.rawValue).")
        }
    }

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: schema))
        } catch {
            Self.printError("rrgen: cannot read \(schema): \(error.localizedDescription)")
            throw ExitCode(3)
        }
        let options = RRGenOptions(accessLevel: access, schemaPath: headerPath ?? schema, fileStem: fileStem)
        if to != .swift {
            try export(data)
            return
        }
        let files: [GeneratedFile]
        do {
            files = try RRGen.generate(schema: data, options: options)
        } catch {
            throw reportInvalid(error)
        }
        guard let output else {
            FileHandle.standardOutput.write(Data(RRGen.concatenate(files).utf8))
            return
        }
        let directory = URL(fileURLWithPath: output, isDirectory: true)
        if check {
            var stale: [String] = []
            for file in files {
                let url = directory.appendingPathComponent(file.name)
                if (try? Data(contentsOf: url)) != Data(file.contents.utf8) { stale.append(url.path) }
            }
            for path in stale {
                Self.printError("rrgen: \(path) differs from what \(schema) generates; run rrgen without --check")
            }
            if !stale.isEmpty { throw ExitCode(2) }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for file in files {
                let url = directory.appendingPathComponent(file.name)
                let contents = Data(file.contents.utf8)
                if (try? Data(contentsOf: url)) == contents { continue }
                try contents.write(to: url, options: .atomic)
            }
        } catch {
            Self.printError("rrgen: cannot write to \(output): \(error.localizedDescription)")
            throw ExitCode(3)
        }
    }

    /// Writes the AsyncAPI export of the schema.
    func export(_ data: Data) throws {
        let document: String
        do {
            document = try RRGen.exportAsyncAPI(schema: data, yaml: to == .asyncapi)
        } catch {
            throw reportInvalid(error)
        }
        guard let output else {
            FileHandle.standardOutput.write(Data(document.utf8))
            return
        }
        do {
            try Data(document.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            Self.printError("rrgen: cannot write \(output): \(error.localizedDescription)")
            throw ExitCode(3)
        }
    }

    /// Prints the diagnostics and returns the exit code for an invalid schema.
    func reportInvalid(_ error: RRGenError) -> ExitCode {
        for diagnostic in error.diagnostics {
            Self.printError(diagnostic.formatted(file: schema))
        }
        let count = error.diagnostics.count
        Self.printError("rrgen: \(schema) is invalid (\(count) problem\(count == 1 ? "" : "s"))")
        return ExitCode(1)
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

extension RRGenOptions.AccessLevel: ExpressibleByArgument {}
