/// A careful string builder for Swift source: indentation, blocks and doc comments.
///
/// Renderers build text only through it, so layout rules (four-space indentation, no trailing
/// whitespace, one newline at the end) hold everywhere and output is byte-for-byte stable.
struct SwiftWriter {
    private(set) var text = ""
    private var indentation = 0

    /// Appends one line at the current indentation (an empty line has no indentation).
    mutating func line(_ content: String = "") {
        if content.isEmpty {
            text += "\n"
        } else {
            text += String(repeating: "    ", count: indentation) + content + "\n"
        }
    }

    /// Appends `opener`, the body one level deeper, and `closer`.
    mutating func block(_ opener: String, closer: String = "}", _ body: (inout SwiftWriter) -> Void) {
        line(opener)
        indentation += 1
        body(&self)
        indentation -= 1
        line(closer)
    }

    /// Appends a `///` comment; blank lines in `documentation` become `///`.
    mutating func doc(_ documentation: String) {
        for docLine in documentation.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = docLine.trimmingTrailingWhitespace()
            line(trimmed.isEmpty ? "///" : "/// \(trimmed)")
        }
    }

    /// Removes a trailing empty line, if any (used between generated members).
    mutating func trimTrailingEmptyLine() {
        if text.hasSuffix("\n\n") { text.removeLast() }
    }
}

extension StringProtocol {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}

/// Swift string literal syntax for arbitrary text.
func swiftStringLiteral(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": result += "\\\\"
        case "\"": result += "\\\""
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}
