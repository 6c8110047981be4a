import Testing

@testable import RRGenCore

@Suite struct JSONParserTests {
    @Test func keepsMemberOrderAndLocations() throws {
        let node = try JSONParser.parse("{\n  \"b\": 1,\n  \"a\": [true, null, \"x\\u00e9\\ud83d\\ude00\"]\n}")
        guard case .object(let members) = node.value else {
            Issue.record("expected an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(members[1].keyLocation == SourceLocation(line: 3, column: 3))
        #expect(
            members[1].value.value
                == .array([
                    JSONNode(.bool(true), at: SourceLocation(line: 3, column: 9)),
                    JSONNode(.null, at: SourceLocation(line: 3, column: 15)),
                    JSONNode(.string("xé😀"), at: SourceLocation(line: 3, column: 21)),
                ]))
    }

    @Test(arguments: [
        ("", "expected a value, found the end of the text (line 1, column 1)"),
        ("[1,]", "[1]: expected a value, found ']' (line 1, column 4)"),
        ("{\"a\": 01}", "expected ',' or '}' after the member 'a', found '1' (line 1, column 8)"),
        ("\"\u{1}\"", "control character 0x1 in a string must be escaped (line 1, column 2)"),
        ("\"\\x\"", "invalid escape sequence '\\x' (line 1, column 3)"),
        ("{} x", "expected the end of the document, found 'x' (line 1, column 4)"),
        ("\"\\ud800\"", "unpaired UTF-16 surrogate in a \\u escape (line 1, column 8)"),
    ])
    func rejectsInvalidJSON(_ text: String, _ message: String) {
        #expect(throws: RRGenError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: RRGenError.self) { try JSONParser.parse(deep) }
        let nested = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: RRGenError.self) { try JSONParser.parse(nested) }
        _ = try JSONParser.parse(nested.utf8, maximumDepth: 300)
        #expect(throws: RRGenError.self) { try JSONParser.parse(nested.utf8, maximumDepth: 299) }
    }

    /// RFC 8259 allows a name twice in one object (names only SHOULD be unique): refused by
    /// default, where a schema never means it, and kept in order when asked for.
    @Test func duplicateKeysOnRequest() throws {
        let text = #"{"t":1e400,"t":"a","u":{"v":1,"v":2}}"#
        #expect(throws: RRGenError.self) { try JSONParser.parse(text) }
        let node = try JSONParser.parse(text.utf8, allowingDuplicateKeys: true)
        guard case .object(let members) = node.value, case .object(let inner) = members[2].value.value else {
            Issue.record("expected nested objects")
            return
        }
        #expect(members.map(\.key) == ["t", "t", "u"])
        #expect(members[1].value.value == .string("a"))
        #expect(inner.map(\.key) == ["v", "v"])
    }
}
