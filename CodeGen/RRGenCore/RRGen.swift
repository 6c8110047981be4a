/// The rrgen pipeline: parse -> validate -> render.
///
/// ```swift
/// let files = try RRGen.generate(schema: bytes, options: RRGenOptions(schemaPath: "Schemas/shadow.json"))
/// ```
///
/// Output is deterministic: the same schema and options give the same bytes.
public enum RRGen {
    /// Parses, validates and renders a schema.
    ///
    /// - Parameters:
    ///   - schema: The schema file's UTF-8 contents.
    ///   - options: Access level, header path and file names.
    /// - Returns: The generated files, in a fixed order: models, operations, client, service.
    /// - Throws: ``RRGenError`` with the schema's problems.
    public static func generate(schema: some Sequence<UInt8>, options: RRGenOptions) throws(RRGenError) -> [GeneratedFile] {
        let parsed = try SchemaParser.parse(schema)
        let model = try SchemaValidator.validate(parsed)
        return render(model, options: options)
    }

    /// Renders a validated model.
    public static func render(_ model: ServiceModel, options: RRGenOptions) -> [GeneratedFile] {
        let context = RenderContext(model: model, options: options)
        let stem = options.fileStem ?? model.name
        return [
            GeneratedFile(name: "\(stem).swift", contents: ModelsRenderer(context: context).render()),
            GeneratedFile(name: "\(stem)+Operations.swift", contents: OperationsRenderer(context: context).render()),
            GeneratedFile(name: "\(stem)+Client.swift", contents: ClientRenderer(context: context).render()),
            GeneratedFile(name: "\(stem)+Service.swift", contents: ServiceRenderer(context: context).render()),
        ]
    }

    /// All files joined into one Swift source (for standard output), each introduced by a
    /// `// MARK: - <file name>` line.
    public static func concatenate(_ files: [GeneratedFile]) -> String {
        files.map { "// MARK: - \($0.name)\n\n\($0.contents)" }.joined(separator: "\n")
    }
}
