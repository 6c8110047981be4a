import Foundation
import IoTShadow
@testable import MQTTServiceRuntime
import NIOCore
import Testing

/// `ServiceCoding.decode` runs the runtime's own JSON parser and decoder; these tests hold it to
/// what Foundation's `JSONDecoder` (with the same settings) does on the same bytes: equal values,
/// or the same kind of `DecodingError` at the same coding path.
@Suite struct ServiceJSONDecoderTests {
    struct Nested: Codable, Equatable {
        var level: Int
        var items: [Nested]?
    }

    struct Sample: Codable, Equatable {
        var name: String
        var count: Int
        var ratio: Double?
        var flags: [Bool]?
        var nested: Nested?
        var tags: [String: Int]?
        var when: Date?
        var data: Data?
        var big: Int64?
        var small: UInt8?
        var single: Float?
        var url: URL?
        var decimal: Decimal?
        var document: ServiceJSONValue?
        var matrix: [[Int]]?
        var optionals: [String?]?
    }

    static let documents: [String] = [
        #"{"name":"a","count":1}"#,
        #"  {"name" : "a" , "count" : -0 }  "#,
        #"{"name":"a","count":1,"ratio":1.5e-3,"flags":[true,false],"nested":{"level":2,"items":[{"level":3}]}}"#,
        #"{"name":"a","count":1,"tags":{"x":1,"y":2},"when":1700000000.5,"data":"aGVsbG8=","big":9007199254740993}"#,
        #"{"name":"a","count":1,"small":255,"single":3.25,"url":"https://example.com/a?b=c","decimal":12.345}"#,
        #"{"name":"a","count":1,"document":{"state":{"desired":{"power":"on","level":3}},"list":[1,"two",null,false,{}]}}"#,
        #"{"name":"a","count":1,"matrix":[[1,2],[],[3]],"optionals":["x",null,"z"]}"#,
        #"{"name":"\u00e9\ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t","count":1}"#,
        #"{"name":"é😀 raw UTF-8","count":1}"#,
        #"{"name":"a","count":1e3}"#,
        #"{"name":"a","count":10.0}"#,
        // Optionals: null and absent are nil; a present value of the wrong type is an error.
        #"{"name":"a","count":1,"ratio":null,"flags":null,"nested":null,"big":null,"document":null,"url":null}"#,
        #"{"name":"a","count":1,"nested":{"level":1,"items":null}}"#,
        #"{"name":"a","count":1,"ratio":"x"}"#,
        #"{"name":"a","count":1,"big":"1"}"#,
        #"{"name":"a","count":1,"nested":{"level":1,"items":[{"level":2,"items":{}}]}}"#,
        // Failures: shape.
        #"{"count":1}"#,
        #"{"name":null,"count":1}"#,
        #"{"name":1,"count":1}"#,
        #"{"name":"a","count":"1"}"#,
        #"{"name":"a","count":1.5}"#,
        #"{"name":"a","count":1,"small":256}"#,
        #"{"name":"a","count":1,"small":-1}"#,
        #"{"name":"a","count":1,"big":9223372036854775808}"#,
        #"{"name":"a","count":1,"single":1e39}"#,
        #"{"name":"a","count":1,"data":"not base64!"}"#,
        #"{"name":"a","count":1,"nested":{"level":1,"items":[{"level":"x"}]}}"#,
        #"{"name":"a","count":1,"matrix":[[1,"2"]]}"#,
        #"{"name":"a","count":1,"flags":{}}"#,
        #"{"name":"a","count":1,"tags":[]}"#,
        #"[]"#,
        #""text""#,
        #"null"#,
        // Failures: syntax.
        #""#,
        #"   "#,
        #"{"name":"a","count":01}"#,
        #"{"name":"a","count":1} x"#,
        #"{"name":"a" "count":1}"#,
        #"{"name":"a\u12","count":1}"#,
        #"{"name":"a\x","count":1}"#,
        #"{"name":"\ud800","count":1}"#,
        #"{"name":"a","count":-}"#,
        #"{"name":"a","count":1.}"#,
        #"{"name":"a","count":1e}"#,
        #"{"name":"a","count":tru}"#,
        #"{"name":"a","count":1"#,
        #"{'name':"a","count":1}"#,
        #"{"name":"a",/*c*/"count":1}"#,
    ]

    @Test(arguments: documents)
    func decodesLikeFoundation(_ document: String) {
        compare(Array(document.utf8), as: Sample.self)
    }

    /// Foundation accepts a trailing comma; RFC 8259 does not, and neither do we.
    @Test(arguments: [#"{"name":"a","count":1,}"#, #"{"name":"a","count":1,"flags":[true,]}"#])
    func trailingCommasAreRefused(_ document: String) {
        #expect(throws: DecodingError.self) {
            try ServiceCoding.decode(Sample.self, from: ByteBuffer(string: document))
        }
    }

    @Test func rawBytesFoundationRefusesAreRefused() {
        // A control character inside a string, invalid UTF-8, a truncated multi-byte sequence.
        for bytes: [UInt8] in [
            Array(#"{"name":"a"#.utf8) + [0x0A] + Array(#"","count":1}"#.utf8),
            Array(#"{"name":""#.utf8) + [0xFF, 0xFE] + Array(#"","count":1}"#.utf8),
            Array(#"{"name":""#.utf8) + [0xC3] + Array(#"","count":1}"#.utf8),
        ] {
            compare(bytes, as: Sample.self)
        }
    }

    @Test func nestingDeeperThanTheLimitIsAnErrorNotACrash() throws {
        let depth = 10_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: DecodingError.self) {
            try ServiceCoding.decode(ServiceJSONValue.self, from: ByteBuffer(string: text))
        }
        // Within the limit it decodes.
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        _ = try ServiceCoding.decode(ServiceJSONValue.self, from: ByteBuffer(string: fine))
    }

    @Test func syntaxErrorsSayWhereTheyAre() {
        do {
            _ = try ServiceCoding.decode(Sample.self, from: ByteBuffer(string: #"{"name":"a","count":01}"#))
            Issue.record("decoded invalid JSON")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("leading zero at byte 20"), "\(context.debugDescription)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func shadowDocumentsDecodeAsThroughFoundation() throws {
        let payload =
            #"{"state":{"desired":{"power":"on","level":3},"reported":{"power":"on","level":3}},"#
            + #""metadata":{"desired":{"power":{"timestamp":1700000000},"level":{"timestamp":1700000000}},"#
            + #""reported":{"power":{"timestamp":1700000000},"level":{"timestamp":1700000000}}},"#
            + #""version":12,"timestamp":1700000000,"clientToken":"5D1B6C3A-1F0E-4C1B-9E0B-6B1D0C6B9A11"}"#
        let ours = try ServiceCoding.decode(IoTShadow.GetShadowResponse.self, from: ByteBuffer(string: payload))
        let foundation = try ServiceCoding.makeDecoder().decode(
            IoTShadow.GetShadowResponse.self, from: Data(payload.utf8))
        #expect(ours == foundation)
        #expect(ours.state.desired?["level"] == 3)
    }

    @Test func topicPlaceholdersReachTheModels() throws {
        let request = try ServiceCoding.decode(
            IoTShadow.GetShadowRequest.self, from: ByteBuffer(string: #"{"clientToken":"t"}"#),
            topicPlaceholders: ["thingName": "lamp"])
        #expect(request.thingName == "lamp")
        #expect(request.clientToken == "t")
    }

    @Test func generatedTokensAreVersion4UUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let token = RandomUUIDString.make()
            let uuid = try #require(UUID(uuidString: token), "\(token)")
            #expect(uuid.uuidString == token)
            #expect(uuid.uuid.6 >> 4 == 4)
            #expect(uuid.uuid.8 >> 6 == 0b10)
            seen.insert(token)
        }
        #expect(seen.count == 1000)
        #expect(RandomUUIDString.format(high: 0, low: 0) == "00000000-0000-4000-8000-000000000000")
        #expect(RandomUUIDString.format(high: .max, low: .max) == "FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF")
    }

    private func compare<Value: Decodable & Equatable>(
        _ bytes: [UInt8], as type: Value.Type, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let text = String(decoding: bytes, as: UTF8.self)
        let ours = Result { try ServiceCoding.decode(Value.self, from: ByteBuffer(bytes: bytes)) }
        let foundation = Result { try ServiceCoding.makeDecoder().decode(Value.self, from: Data(bytes)) }
        switch (ours, foundation) {
        case (.success(let mine), .success(let theirs)):
            #expect(mine == theirs, "\(text)", sourceLocation: sourceLocation)
        case (.failure(let mine), .failure(let theirs)):
            #expect(
                Self.kind(mine) == Self.kind(theirs), "\(text): \(mine) vs \(theirs)", sourceLocation: sourceLocation)
        case (.success(let mine), .failure(let theirs)):
            Issue.record("\(text): we decoded \(mine), Foundation threw \(theirs)", sourceLocation: sourceLocation)
        case (.failure(let mine), .success(let theirs)):
            Issue.record("\(text): we threw \(mine), Foundation decoded \(theirs)", sourceLocation: sourceLocation)
        }
    }

    /// The error's case and coding path, which the two decoders must agree on.
    private static func kind(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "keyNotFound(\(key.stringValue)) at \(path(context))"
        case .valueNotFound(_, let context)?: return "valueNotFound at \(path(context))"
        case .typeMismatch(_, let context)?: return "typeMismatch at \(path(context))"
        // Foundation reports a number that does not fit its type without the coding path; we
        // name the path, so only the case is compared.
        case .dataCorrupted?: return "dataCorrupted"
        default: return "other: \(type(of: error))"
        }
    }
}
