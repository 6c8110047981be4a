import NIOCore
import Testing

@testable import RequestResponse

extension RRSuite {
    @Suite("JSON token scanner")
    struct JSONTokenScannerTests {
        private func scan(_ json: String, _ path: String = "clientToken") -> JSONTokenScanner.Outcome {
            JSONTokenScanner.scan(ByteBuffer(string: json), path: .init(path))
        }

        private func reference(_ json: String, _ path: String = "clientToken") -> JSONTokenScanner.Outcome {
            JSONTokenScanner.foundationExtract(from: ByteBuffer(string: json), path: .init(path))
        }

        @Test("finds a top-level string token")
        func topLevel() {
            #expect(scan(#"{"clientToken":"abc"}"#) == .found("abc"))
            #expect(
                scan(" \n\t{ \"state\" : {\"a\": [1, 2, {\"clientToken\": \"no\"}]} , \"clientToken\" : \"abc\" } \r\n")
                    == .found("abc"))
            #expect(scan(#"{"version":3,"timestamp":1700000000,"clientToken":"t-1"}"#) == .found("t-1"))
        }

        @Test("walks a dotted path through nested objects")
        func nestedPath() {
            let json = #"{"a":{"x":[{"b":1}],"b":{"token":"deep"}},"token":"top"}"#
            #expect(scan(json, "a.b.token") == .found("deep"))
            #expect(scan(json, "token") == .found("top"))
            #expect(scan(json, "a.x.b") == .notFound)  // arrays are not walked
            #expect(scan(json, "a.b.missing") == .notFound)
            #expect(scan(#"{"a":5}"#, "a.b") == .notFound)  // intermediate is not an object
            #expect(scan(#"{"a":"s"}"#, "a.b") == .notFound)
            #expect(scan(#"["clientToken"]"#) == .notFound)
            #expect(scan(#""clientToken""#) == .notFound)
        }

        @Test("decodes escapes in the token and in keys")
        func escapes() {
            #expect(scan(#"{"clientToken":"a\"b\\c\/d\b\f\n\r\t"}"#) == .found("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
            #expect(scan(#"{"clientToken":"caf\u00e9 \ud83d\ude00 \u0041"}"#) == .found("café 😀 A"))
            #expect(scan(#"{"client\u0054oken":"x"}"#) == .found("x"))
            #expect(scan(#"{"clientToken\"":"x","clientToken":"y"}"#) == .found("y"))
            #expect(scan("{\"clientToken\":\"héllo wörld ✓\"}") == .found("héllo wörld ✓"))
            #expect(scan("{\"ключ\":{\"clientToken\":\"z\"}}", "ключ.clientToken") == .found("z"))
        }

        @Test("skips strings containing braces, brackets and escaped quotes")
        func skipsTrickyStrings() {
            let json = #"{"s":"}{][\",\"clientToken\":\"fake","clientToken":"real"}"#
            #expect(scan(json) == .found("real"))
        }

        @Test("reports a non-string token value")
        func nonString() {
            for value in ["1", "-1.5e3", "true", "false", "null", "{}", "[\"a\"]", #"{"clientToken":"x"}"#] {
                #expect(scan("{\"clientToken\":\(value)}") == .notString, "value \(value)")
            }
        }

        @Test("the last duplicate key wins, as in JSONSerialization")
        func duplicates() {
            let cases = [
                #"{"clientToken":"a","clientToken":"b"}"#,
                #"{"clientToken":"a","clientToken":1}"#,
                #"{"a":{"t":"x"},"a":{"u":1}}"#,
                #"{"a":{"t":"x"},"a":{"t":"y"}}"#,
            ]
            #expect(scan(cases[0]) == .found("b"))
            #expect(scan(cases[1]) == .notString)
            #expect(scan(cases[2], "a.t") == .notFound)
            #expect(scan(cases[3], "a.t") == .found("y"))
            for json in cases {
                #expect(
                    scan(json, json.contains("\"a\"") ? "a.t" : "clientToken")
                        == reference(json, json.contains("\"a\"") ? "a.t" : "clientToken"))
            }
        }

        @Test("rejects what is not JSON")
        func malformed() {
            let cases = [
                "", " ", "{", "}", #"{"clientToken":"abc""#, #"{"clientToken":"abc",}"#, #"{"clientToken" "abc"}"#,
                #"{"clientToken":"abc"} x"#, #"{"clientToken":"abc"}}"#, #"{"a":01,"clientToken":"x"}"#,
                #"{"a":1.,"clientToken":"x"}"#, #"{"a":-,"clientToken":"x"}"#, #"{"a":1e,"clientToken":"x"}"#,
                #"{"a":tru,"clientToken":"x"}"#, #"{"a":nul}"#, #"{"clientToken":"a\qb"}"#,
                #"{"clientToken":"a\u12"}"#, "{\"clientToken\":\"a\u{01}b\"}", "{\"clientToken\":\"a\nb\"}",
                #"{clientToken:"x"}"#, #"{'clientToken':'x'}"#, #"[1,2,]"#, #"{"a":[1 2]}"#, "NaN", "{\"a\":Infinity}",
                #"{"a":+1}"#, #"{"a":.5}"#,
            ]
            for json in cases {
                #expect(scan(json) == .malformed, "\(json.debugDescription)")
            }
        }

        /// Found by `JSONTokenScannerFuzzer`: there `JSONSerialization` on Linux accepts a trailing
        /// comma and drops a U+FEFF from a key; the scanner follows RFC 8259.
        @Test("follows RFC 8259 where JSONSerialization is lenient: trailing commas, U+FEFF in keys")
        func strictWhereFoundationIsLenient() {
            let trailingComma = #"{"a":{"b":{"c":"d\u00e9eep"},}}"#
            #expect(scan(trailingComma, "a.b.c") == .malformed)
            let extracted = JSONTokenScanner.extract(from: ByteBuffer(string: trailingComma), path: .init("a.b.c"))
            #expect(extracted.outcome == .malformed && !extracted.usedFallback)
            let zeroWidthKey = "{\"a\":{\"\u{FEFF}\":{\"b\":\"s\"}},\"clientToken\":\"a\"}"
            #expect(scan(zeroWidthKey, "a..b") == .notFound)
            #expect(scan(zeroWidthKey, "a.\u{FEFF}.b") == .found("s"))
        }

        /// Found by `JSONTokenScannerFuzzer` (10M-run session): `JSONSerialization` refuses a number
        /// beyond `Double`'s range; RFC 8259's grammar allows it and the scanner never converts
        /// numbers, so the token after it is still found.
        @Test("a number beyond Double's range is grammatical JSON: the token after it is found")
        func hugeExponent() {
            let document =
                "{\n\t\"t\" : [6,666666666e666666661, \r\r\r0\r], \"\" : \"empty2\", \"\u{E9}\": \"accent\" }"
            #expect(scan(document, "\u{E9}") == .found("accent"))
            #expect(scan(document, "t") == .notString)
            #expect(
                JSONTokenScanner.foundationExtract(from: ByteBuffer(string: document), path: .init("\u{E9}"))
                    == .malformed)
        }

        /// Found by `JSONTokenScannerFuzzer` (CI's 60 s run): a name twice and a number beyond
        /// `Double`'s range. The document is RFC 8259 JSON (names only SHOULD be unique); the
        /// scanner takes the last member of that name, as `JSONSerialization` does where it
        /// accepts the document.
        @Test("a duplicated name: the last member's value is the token")
        func duplicatedName() {
            let document =
                #"{"st\\d":-0.5e+10239999999999,"clientToken":99999999999999999999,"clientToken":"\\dΝ0"}"#
            #expect(scan(document) == .found(#"\dΝ0"#))
            #expect(
                JSONTokenScanner.foundationExtract(from: ByteBuffer(string: document), path: .init("clientToken"))
                    == .malformed)
            let inRange = #"{"clientToken":1,"clientToken":"second"}"#
            #expect(scan(inRange) == .found("second"))
            #expect(
                JSONTokenScanner.foundationExtract(from: ByteBuffer(string: inRange), path: .init("clientToken"))
                    == .found("second"))
        }

        @Test("rejects invalid UTF-8")
        func invalidUTF8() {
            let sequences: [[UInt8]] = [
                [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xC3],
                [0xF0, 0x9F, 0x98],
            ]
            for bad in sequences {
                var buffer = ByteBuffer(string: #"{"clientToken":"a"#)
                buffer.writeBytes(bad)
                buffer.writeString(#""}"#)
                #expect(JSONTokenScanner.scan(buffer, path: .init("clientToken")) == .malformed, "\(bad)")
            }
        }

        @Test("hands encodings, byte-order marks, deep nesting and lone surrogates to the fallback")
        func unsupported() {
            var utf16 = ByteBuffer()
            for unit in #"{"clientToken":"x"}"#.utf16 { utf16.writeInteger(unit, endianness: .little) }
            #expect(JSONTokenScanner.scan(utf16, path: .init("clientToken")) == .unsupported)
            let extracted = JSONTokenScanner.extract(from: utf16, path: .init("clientToken"))
            #expect(extracted.usedFallback)
            #expect(extracted.outcome == JSONTokenScanner.foundationExtract(from: utf16, path: .init("clientToken")))

            var bom = ByteBuffer(bytes: [0xEF, 0xBB, 0xBF])
            bom.writeString(#"{"clientToken":"x"}"#)
            #expect(JSONTokenScanner.scan(bom, path: .init("clientToken")) == .unsupported)
            #expect(JSONTokenScanner.extract(from: bom, path: .init("clientToken")).usedFallback)

            let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
            #expect(scan(#"{"clientToken":"x","a":"# + deep + "}") == .unsupported)
            #expect(scan(#"{"clientToken":"\ud800"}"#) == .unsupported)
            #expect(scan(#"{"clientToken":"\udc00"}"#) == .unsupported)
            #expect(scan(#"{"clientToken":"\ud800\u0041"}"#) == .unsupported)
            let lone = JSONTokenScanner.extract(
                from: ByteBuffer(string: #"{"clientToken":"\ud800"}"#), path: .init("clientToken"))
            #expect(lone.usedFallback)
        }

        @Test("agrees with JSONSerialization on random documents")
        func randomDocuments() {
            var rng = SplitMix64(seed: 0x5EED)
            var found = 0
            for _ in 0..<1500 {
                var generator = RandomJSON(rng: rng)
                let (json, expectedToken) = generator.document()
                rng = generator.rng
                let scanned = scan(json, "meta.clientToken")
                let referenceOutcome = reference(json, "meta.clientToken")
                #expect(scanned == referenceOutcome, "\(json)")
                if let expectedToken {
                    #expect(scanned == .found(expectedToken), "\(json)")
                    found += 1
                }
            }
            #expect(found > 200)
        }

        @Test("never crashes on mutated or random bytes, and never finds a token JSONSerialization rejects")
        func fuzz() {
            var rng = SplitMix64(seed: 42)
            for iteration in 0..<4000 {
                var bytes: [UInt8]
                if iteration % 4 == 0 {
                    bytes = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in
                        Array(#"{}[]",:\ "0123456789.eE-+truefalsn ucT"#.utf8).randomElement(using: &rng)!
                    }
                } else {
                    var generator = RandomJSON(rng: rng)
                    bytes = Array(generator.document().json.utf8)
                    rng = generator.rng
                    for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                        let index = Int.random(in: 0..<bytes.count, using: &rng)
                        switch Int.random(in: 0..<3, using: &rng) {
                        case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                        case 1: bytes.remove(at: index)
                        default: bytes = Array(bytes[..<index])
                        }
                    }
                }
                let buffer = ByteBuffer(bytes: bytes)
                let path = JSONTokenScanner.Path("meta.clientToken")
                let scanned = JSONTokenScanner.extract(from: buffer, path: path).outcome
                #expect(scanned != .unsupported)
                let expected = JSONTokenScanner.foundationExtract(from: buffer, path: path)
                if case .found = scanned {
                    #expect(scanned == expected, "\(bytes)")
                }
                if case .found = expected {
                    #expect(scanned == expected, "\(bytes)")
                }
            }
        }
    }
}

/// Generates random JSON documents, sometimes with a string at `meta.clientToken`.
struct RandomJSON {
    var rng: SplitMix64

    mutating func document() -> (json: String, token: String?) {
        var members: [String] = []
        var token: String?
        for _ in 0..<Int.random(in: 0...4, using: &rng) { members.append("\(key()):\(value(depth: 0))") }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0, 1:
            let value = string()
            token = value.decoded
            var inner = (0..<Int.random(in: 0...2, using: &rng)).map { _ in "\(key()):\(self.value(depth: 1))" }
            inner.insert(
                "\(ws())\"clientToken\"\(ws()):\(ws())\(value.encoded)",
                at: Int.random(in: 0...inner.count, using: &rng))
            members.insert(
                "\"meta\":{\(inner.joined(separator: ","))}", at: Int.random(in: 0...members.count, using: &rng))
        case 2:
            members.append("\"meta\":{\"clientToken\":\(value(depth: 2))}")
        default:
            break
        }
        return ("\(ws()){\(members.map { ws() + $0 + ws() }.joined(separator: ","))}\(ws())", token)
    }

    private mutating func ws() -> String {
        ["", "", " ", "\n", "\t", " \r\n "].randomElement(using: &rng)!
    }

    private mutating func key() -> String {
        "\"" + ["a", "state", "desired", "version", "meta2", "x\\\"y", "k\\u0041"].randomElement(using: &rng)! + "\""
    }

    private mutating func string() -> (encoded: String, decoded: String) {
        var encoded = "\""
        var decoded = ""
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: encoded += "\\\""; decoded += "\""
            case 1: encoded += "\\\\"; decoded += "\\"
            case 2: encoded += "\\n"; decoded += "\n"
            case 3: encoded += "\\u00e9"; decoded += "é"
            case 4: encoded += "\\ud83d\\ude00"; decoded += "😀"
            case 5: encoded += "ü"; decoded += "ü"
            case 6: encoded += "{[,:]}"; decoded += "{[,:]}"
            default:
                let letter = String(UnicodeScalar(UInt8.random(in: 0x61...0x7A, using: &rng)))
                encoded += letter; decoded += letter
            }
        }
        return (encoded + "\"", decoded)
    }

    private mutating func value(depth: Int) -> String {
        let choice = Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &rng)
        switch choice {
        case 0: return string().encoded
        case 1: return ["0", "-1", "3.25", "1e10", "-0.5E-3", "12345678901234567890"].randomElement(using: &rng)!
        case 2: return ["true", "false", "null"].randomElement(using: &rng)!
        case 3: return "\"\""
        case 4: return "[]"
        case 5:
            let items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in value(depth: depth + 1) }
            return "[" + items.map { ws() + $0 + ws() }.joined(separator: ",") + "]"
        default:
            let items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                "\(key())\(ws()):\(ws())\(value(depth: depth + 1))"
            }
            return "{" + items.joined(separator: ",") + "}"
        }
    }
}
