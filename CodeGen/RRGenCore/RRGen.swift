/// The rrgen pipeline: parse -> validate -> render.
///
/// The input is rrgen's own schema format or an AsyncAPI 3 document, as JSON or YAML; both
/// parse to the same ``ServiceSchema``, so validation and rendering do not depend on the format.
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
    public static func generate(
        schema: some Sequence<UInt8>, options: RRGenOptions
    ) throws(RRGenError) -> [GeneratedFile] {
        let parsed = try parse(schema: schema)
        let model = try SchemaValidator.validate(parsed)
        return render(model, options: options)
    }

    /// Parses a schema in either input format.
    ///
    /// A document whose first non-blank character is `{` is read as JSON, anything else as
    /// YAML. A document with a top-level `asyncapi` key is read by ``AsyncAPIReader``, any
    /// other by ``SchemaParser``.
    ///
    /// - Parameter schema: The file's UTF-8 contents.
    /// - Returns: The schema as written, not yet validated.
    /// - Throws: ``RRGenError`` with the first problem.
    public static func parse(schema: some Sequence<UInt8>) throws(RRGenError) -> ServiceSchema {
        let root = try parseDocument(schema)
        return AsyncAPIReader.isAsyncAPI(root) ? try AsyncAPIReader.read(root) : try SchemaParser.parse(root)
    }

    /// Exports a schema (either format) as an AsyncAPI 3.0 document, after validating it.
    ///
    /// - Parameters:
    ///   - schema: The schema file's UTF-8 contents.
    ///   - yaml: `true` for YAML, `false` for JSON.
    /// - Returns: The document's text.
    /// - Throws: ``RRGenError`` when the schema is invalid or uses what AsyncAPI cannot express.
    public static func exportAsyncAPI(schema: some Sequence<UInt8>, yaml: Bool) throws(RRGenError) -> String {
        let parsed = try parse(schema: schema)
        _ = try SchemaValidator.validate(parsed)
        return try AsyncAPIWriter.export(parsed, yaml: yaml)
    }

    /// Parses JSON or YAML text into a ``JSONNode``.
    public static func parseDocument(_ bytes: some Sequence<UInt8>) throws(RRGenError) -> JSONNode {
        let bytes = Array(bytes)
        let isJSON = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) } == UInt8(ascii: "{")
        if isJSON {
            return try JSONParser.parse(bytes)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw RRGenError(path: .root, message: "the schema is not valid UTF-8")
        }
        return try YAMLReader.parse(text)
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
