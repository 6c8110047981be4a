#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CLibFuzzerDriver
import FuzzSupport
import NIOCore
import RRGenCore
import RequestResponse

/// The fuzz target of the correlation-token scanner: scans arbitrary bytes with
/// `JSONTokenScanner` and compares its answer with the reference, `JSONSerialization` followed by
/// a walk of the path.
///
/// The first input byte selects the path (see ``paths``); the rest is the document. The checks,
/// each a `fatalError` (a crash to the fuzzer) when it fails:
/// - ``JSONTokenScanner/extract(from:path:)`` never answers `.unsupported` (the fallback decides);
/// - when the scanner finds a token, the reference finds the same one (a token is never taken
///   from a document the reference rejects);
/// - when the reference finds a token, the scanner finds the same one, unless the document is
///   not strict JSON (RFC 8259), which rrgen's strict `JSONParser` decides: `JSONSerialization`
///   on Linux accepts trailing commas (`{"a":1,}`), the scanner by design does not;
/// - when both accept the document, they give the same outcome (`.notFound`, `.notString`).
///
/// A number outside `Double`'s range (`6e666666661`) is grammatical JSON that `JSONSerialization`
/// refuses; the scanner skips numbers without converting them, so it still finds the token.
///
/// Documents with a U+FEFF anywhere are not compared: `JSONSerialization` on Linux drops it from
/// strings (`{"\u{FEFF}":1}` has a key `""` for it), where the scanner keeps the bytes as JSON says.
enum JSONTokenScannerFuzzer {
    /// The paths the first byte chooses from: the top-level token, a nested one, the empty key,
    /// a non-ASCII key and a path with an empty segment.
    static let paths: [JSONTokenScanner.Path] = ["clientToken", "meta.clientToken", "a.b.c", "", "é", "a..b", "t"].map {
        JSONTokenScanner.Path($0)
    }

    /// Runs one input; returns the scanner's outcome (`.unsupported` when it deferred to the
    /// fallback). Traps when a check fails.
    @discardableResult
    static func run(_ input: UnsafeRawBufferPointer) -> JSONTokenScanner.Outcome {
        guard let selector = input.first else { return .malformed }
        let path = paths[Int(selector) % paths.count]
        let document = ByteBuffer(bytes: input.dropFirst())
        let (outcome, usedFallback) = JSONTokenScanner.extract(from: document, path: path)
        guard outcome != .unsupported else { fatalError("extract answered .unsupported") }
        // The fallback is the reference itself: nothing to compare.
        if usedFallback { return .unsupported }
        if document.readableBytesView.containsZeroWidthNoBreakSpace { return outcome }
        let reference = JSONTokenScanner.foundationExtract(from: document, path: path)
        // `JSONSerialization` also refuses numbers beyond `Double`'s range (`1e400`), which RFC 8259's
        // grammar allows and the scanner (which never converts numbers) accepts: a token found in a
        // document the reference calls malformed is right when the strict parser accepts it.
        if case .found = outcome, outcome != reference, reference != .malformed || !isStrictJSON(document) {
            fatalError("scanner found \(outcome), reference \(reference) for path \(path.dotted)")
        }
        if case .found = reference, outcome != reference, outcome != .malformed || isStrictJSON(document) {
            fatalError("reference found \(reference), scanner \(outcome) for path \(path.dotted)")
        }
        if outcome != .malformed, reference != .malformed, outcome != reference {
            fatalError("scanner \(outcome), reference \(reference) for path \(path.dotted)")
        }
        return outcome
    }

    /// Whether `document` is RFC 8259 JSON by rrgen's strict parser, duplicate member names
    /// allowed as the grammar allows them (`{"clientToken":1e400,"clientToken":"a"}` is JSON that
    /// `JSONSerialization` refuses for the number alone), nesting as deep as the scanner reads.
    static func isStrictJSON(_ document: ByteBuffer) -> Bool {
        let parsed = try? JSONParser.parse(
            document.readableBytesView, allowingDuplicateKeys: true, maximumDepth: JSONTokenScanner.maximumDepth)
        return parsed != nil
    }

    /// Seeds: shadow-style documents with the token in various places and forms, each with
    /// every path selector.
    static func seeds() -> [[UInt8]] {
        let documents = [
            #"{"clientToken":"abc"}"#,
            #"{"state":{"desired":{"power":"on","level":3}},"version":42,"timestamp":1700000123,"clientToken":"b5f6d2c0"}"#,
            #"{"meta":{"clientToken":"x\"y\\z\u00e9\ud83d\ude00"},"a":{"b":{"c":"deep"}}}"#,
            " {\n\t\"t\" : [1, -2.5e+3, true, false, null, {}, []] , \"\" : \"empty\", \"é\": \"accent\" }\r\n",
            #"{"a":{"":{"b":"s"}},"clientToken":"a","clientToken":"b"}"#,
            #"{"clientToken":1}"#,
            #"[{"clientToken":"in-array"}]"#,
            #""just a string""#,
            #"{"clientToken":"\ud800"}"#,
            #"{"n":-0.5e+10239999999999,"clientToken":99999999999999999999,"clientToken":"\\d\u039d0"}"#,
        ]
        var seeds: [[UInt8]] = []
        for document in documents {
            for selector in 0..<paths.count {
                seeds.append([UInt8(selector)] + Array(document.utf8))
            }
        }
        return seeds
    }
}

extension ByteBufferView {
    /// Whether the bytes contain U+FEFF in UTF-8 (EF BB BF).
    var containsZeroWidthNoBreakSpace: Bool {
        var index = startIndex
        while let found = self[index...].firstIndex(of: 0xEF) {
            if found + 2 < endIndex, self[found + 1] == 0xBB, self[found + 2] == 0xBF { return true }
            index = found + 1
        }
        return false
    }
}

/// The program's entry point: libFuzzer's driver when built with `-DFUZZING -sanitize=fuzzer`
/// (`--write-seeds DIRECTORY` writes the seed corpus instead), otherwise the replay command line (`JSONTokenScannerFuzzer FILE...`, `--write-seeds DIRECTORY`).
@main
enum JSONTokenScannerFuzzerMain {
    static func main() throws {
        #if FUZZING
            if try FuzzerCommandLine.writeSeedsIfAsked(
                Array(CommandLine.arguments.dropFirst()), seeds: JSONTokenScannerFuzzer.seeds)
            {
                return
            }
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(
                LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                    guard let data else { return 0 }
                    JSONTokenScannerFuzzer.run(UnsafeRawBufferPointer(start: data, count: size))
                    return 0
                })
        #else
            try FuzzerCommandLine.run(Array(CommandLine.arguments.dropFirst()), seeds: JSONTokenScannerFuzzer.seeds) {
                input in
                "scanner: \(JSONTokenScannerFuzzer.run(input)), checks passed"
            }
        #endif
    }
}
