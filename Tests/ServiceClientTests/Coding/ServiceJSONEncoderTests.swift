import Foundation
import IoTShadow
@testable import MQTTServiceRuntime
import NIOCore
import Testing

/// `ServiceCoding.encode` runs the runtime's own encoder; these tests hold it to what Foundation's
/// `JSONEncoder` with the same settings (`ServiceCoding.makeEncoder()`) writes for the same value:
/// the same bytes, or the same `EncodingError` at the same coding path.
@Suite struct ServiceJSONEncoderTests {
    struct Leaves: Encodable {
        var text = "plain"
        var escapes = "quote \" backslash \\ slash / \u{8}\u{c}\n\r\t \u{0}\u{1}\u{1b}\u{1f} del \u{7f} sep \u{2028}"
        var unicode = "é 😀 日本"
        var int = -42
        var int8: Int8 = .min
        var int16: Int16 = .max
        var int32: Int32 = .min
        var int64: Int64 = .max
        var uint: UInt = .max
        var uint8: UInt8 = 255
        var uint16: UInt16 = 0
        var uint32: UInt32 = .max
        var uint64: UInt64 = .max
        var doubles: [Double] = [
            0, -0.0, 1, 1.5, 0.1, 1e20, 1e-7, 1e16, 123_456_789_012, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
            -2.5e-300,
            9_007_199_254_740_992 * 4,
        ]
        var floats: [Float] = [1.1, 3, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 16_777_216 * 8]
        var bool = true
        var absent: String? = nil
        var present: String? = "x"
        var date = Date(timeIntervalSince1970: 1_700_000_000.25)
        var wholeDate = Date(timeIntervalSince1970: 1_700_000_000)
        var data = Data([0, 1, 2, 254, 255])
        var url = URL(string: "https://example.com/a/b?c=d&e=f#g")!
        var decimals: [Decimal] = [Decimal(string: "12.50")!, Decimal(string: "-1e30")!, 0]
        var optionals: [String?] = ["a", nil, "c"]
        var matrix: [[Int]] = [[1, 2], [], [3]]
        var map: [String: Int] = ["b": 2, "a": 1, "B": 3, "_": 4, "a10": 5, "a2": 6, "é": 7, "z": 8]
        var intKeys: [Int: String] = [10: "ten", 2: "two"]
        var epoch = EpochSeconds(Date(timeIntervalSince1970: 1_700_000_000.5))
        var blob = Base64Bytes(Data("hello".utf8))
    }

    /// A type that writes through every container shape: nested keyed and unkeyed containers,
    /// super encoders, a repeated key, and a value that encodes nothing.
    struct Shapes: Encodable {
        enum Keys: String, CodingKey { case zeta, alpha, nested, list, base, repeated, empty }
        struct Nothing: Encodable {
            func encode(to encoder: any Encoder) throws {}
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .zeta)
            try container.encode("first", forKey: .repeated)
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try nested.encode(true, forKey: .alpha)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            var inner = list.nestedContainer(keyedBy: Keys.self)
            try inner.encode("in", forKey: .zeta)
            var innerList = list.nestedUnkeyedContainer()
            try innerList.encodeNil()
            try list.encode(Nothing())
            try Nothing().encode(to: list.superEncoder())
            try 7.encode(to: container.superEncoder(forKey: .base))
            try "parent".encode(to: container.superEncoder())
            try container.encode("last", forKey: .repeated)
            try container.encode(Nothing(), forKey: .empty)
            // Asking again for the nested container at the same key continues the same object.
            var again = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try again.encode(2.5, forKey: .zeta)
        }
    }

    enum Tagged: Encodable {
        case point(x: Int, y: Int)
        case label(String)
        case none
    }

    static let documents: [ServiceJSONValue] = [
        .null, true, 0, -1, 80, 1.5, 1e300, 9_007_199_254_740_992, 9_007_199_254_740_994, "text",
        [], [:], [1, "two", nil, false, [:], [[]]],
        ["state": ["desired": ["power": "on", "level": 3], "reported": nil], "é": 1, "Z": 2, "a b": ["c": "d\n"]],
    ]

    @Test func leavesEncodeLikeFoundation() {
        compare(Leaves())
    }

    @Test func containerShapesEncodeLikeFoundation() {
        compare(Shapes())
        compare([Tagged.point(x: 1, y: 2), .label("l"), .none])
    }

    @Test(arguments: documents)
    func documentsEncodeLikeFoundation(_ document: ServiceJSONValue) {
        compare(document)
        compare(["document": document])
    }

    @Test func topLevelFragmentsEncodeLikeFoundation() {
        compare("fragment")
        compare(3)
        compare(Optional<Int>.none)
        compare(Date(timeIntervalSince1970: 0))
    }

    @Test func generatedModelsEncodeLikeFoundation() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let stamp: ServiceJSONValue = ["timestamp": 1_700_000_000]
        compare(
            IoTShadow.GetShadowResponse(
                clientToken: "5D1B6C3A-1F0E-4C1B-9E0B-6B1D0C6B9A11",
                state: .init(desired: ["power": "on", "level": 3], reported: ["power": "on", "level": 3.25]),
                metadata: .init(desired: ["power": stamp], reported: ["level": stamp]), timestamp: now, version: 12))
        compare(
            IoTShadow.UpdateShadowRequest(
                thingName: "lamp", clientToken: "t", state: .init(desired: .value(["on": true]), reported: .null),
                version: 3))
        compare(IoTShadow.ErrorResponse(clientToken: nil, code: 404, message: "No shadow 'x'", timestamp: now))
    }

    @Test func nonFiniteNumbersThrowAtTheirPath() {
        struct Holder: Encodable {
            var values: [Double]
            var single: Float
        }
        compare(Holder(values: [1, .nan], single: 1))
        compare(Holder(values: [1], single: .infinity))
        compare(["a": ServiceJSONValue.number(-.infinity)])
    }

    private func compare<Value: Encodable>(_ value: Value, sourceLocation: SourceLocation = #_sourceLocation) {
        let ours = Result { try ServiceCoding.encode(value) }.map { Array($0.readableBytesView) }
        let foundation = Result { try ServiceCoding.makeEncoder().encode(value) }.map { Array($0) }
        switch (ours, foundation) {
        case (.success(let mine), .success(let theirs)):
            #expect(
                String(decoding: mine, as: UTF8.self) == String(decoding: theirs, as: UTF8.self),
                sourceLocation: sourceLocation)
            #expect(mine == theirs, sourceLocation: sourceLocation)
        case (.failure(let mine), .failure(let theirs)):
            #expect(Self.kind(mine) == Self.kind(theirs), "\(mine) vs \(theirs)", sourceLocation: sourceLocation)
        case (.success(let mine), .failure(let theirs)):
            Issue.record(
                "we wrote \(String(decoding: mine, as: UTF8.self)), Foundation threw \(theirs)",
                sourceLocation: sourceLocation)
        case (.failure(let mine), .success(let theirs)):
            Issue.record(
                "we threw \(mine), Foundation wrote \(String(decoding: theirs, as: UTF8.self))",
                sourceLocation: sourceLocation)
        }
    }

    /// The error's case and coding path, which the two encoders must agree on.
    private static func kind(_ error: any Error) -> String {
        guard case .invalidValue(_, let context)? = error as? EncodingError else { return "other: \(error)" }
        return "invalidValue at "
            + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
