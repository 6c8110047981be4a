/// How to render a service.
public struct RRGenOptions: Sendable, Hashable {
    /// The access level of generated declarations.
    public enum AccessLevel: String, Sendable, Hashable, CaseIterable {
        /// `internal` (no keyword): the generated code is private to the module that holds it.
        case `internal`
        /// `public`: the module vends the generated API (as `IoTShadow` does).
        case `public`
    }

    /// The access level of generated declarations; `internal` by default.
    public var accessLevel: AccessLevel
    /// The schema path written in the do-not-edit header, such as `Schemas/shadow.json`.
    public var schemaPath: String
    /// The stem of generated file names; the service name when `nil`.
    public var fileStem: String?

    /// Creates options.
    public init(accessLevel: AccessLevel = .internal, schemaPath: String, fileStem: String? = nil) {
        self.accessLevel = accessLevel
        self.schemaPath = schemaPath
        self.fileStem = fileStem
    }
}

/// One generated Swift file.
public struct GeneratedFile: Sendable, Hashable {
    /// The file name, such as `IoTShadow+Client.swift`.
    public var name: String
    /// The file contents.
    public var contents: String

    /// Creates a file.
    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}
