import Foundation

/// A JSON value for the result line; objects keep their keys in insertion order (the benchmark
/// contract lists them in order).
struct JSONLiteral {
    /// The rendered JSON text.
    let rendered: String

    static func string(_ value: String) -> JSONLiteral {
        let data =
            (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])) ?? Data("\"\"".utf8)
        return JSONLiteral(rendered: String(decoding: data, as: UTF8.self))
    }

    static func int(_ value: Int) -> JSONLiteral { JSONLiteral(rendered: String(value)) }

    static func double(_ value: Double) -> JSONLiteral {
        JSONLiteral(rendered: value.isFinite ? String(value) : "null")
    }

    static let null = JSONLiteral(rendered: "null")

    static func object(_ fields: [(String, JSONLiteral)]) -> JSONLiteral {
        JSONLiteral(
            rendered: "{" + fields.map { string($0.0).rendered + ": " + $0.1.rendered }.joined(separator: ", ") + "}")
    }
}
