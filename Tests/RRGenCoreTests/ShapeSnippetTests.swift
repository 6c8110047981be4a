import Testing

@testable import RRGenCore
import Foundation

/// Schema fragment in, exact Swift out: one test per member kind (the property, its initializer
/// parameter, and its decode and encode lines), plus whole structures and enums.
@Suite struct ShapeSnippetTests {
    /// The lines a one-member structure `S` renders for `member`.
    struct MemberLines: Equatable, CustomStringConvertible {
        var declaration: String
        var parameter: String
        var decode: String
        var encode: String?

        var description: String { [declaration, parameter, decode, encode ?? "(no encode)"].joined(separator: "\n") }
    }

    static func memberLines(_ member: String, extraShapes: String = "") throws -> MemberLines {
        let shapes =
            #""S": {"type": "structure", "members": {"m": \#(member)}}"#
            + (extraShapes.isEmpty ? "" : ", " + extraShapes)
        let text = try Fixtures.renderShape("S", in: Fixtures.shapesSchema(shapes))
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let declaration = try #require(lines.first { $0.hasPrefix("var m") })
        let initializer = try #require(lines.first { $0.hasPrefix("init(m") })
        let parameter = String(initializer.dropFirst("init(".count).dropLast(") {".count))
        let decode = try #require(lines.first { $0.hasPrefix("self.m = try") })
        let encode = lines.first { $0.hasPrefix("try container.encode") }
        return MemberLines(declaration: declaration, parameter: parameter, decode: decode, encode: encode)
    }

    @Test func requiredString() throws {
        #expect(
            try Self.memberLines(#"{"type": "string", "required": true}"#)
                == MemberLines(
                    declaration: "var m: String", parameter: "m: String",
                    decode: "self.m = try container.decode(String.self, forKey: .m)",
                    encode: "try container.encode(self.m, forKey: .m)"))
    }

    @Test func optionalInteger() throws {
        #expect(
            try Self.memberLines(#"{"type": "integer"}"#)
                == MemberLines(
                    declaration: "var m: Int?", parameter: "m: Int? = nil",
                    decode: "self.m = try container.decodeIfPresent(Int.self, forKey: .m)",
                    encode: "try container.encodeIfPresent(self.m, forKey: .m)"))
    }

    @Test func longDoubleAndBoolean() throws {
        #expect(try Self.memberLines(#"{"type": "long", "required": true}"#).declaration == "var m: Int64")
        #expect(try Self.memberLines(#"{"type": "double", "required": true}"#).declaration == "var m: Double")
        #expect(try Self.memberLines(#"{"type": "boolean"}"#).declaration == "var m: Bool?")
    }

    @Test func requiredTimestampCodesEpochSeconds() throws {
        #expect(
            try Self.memberLines(#"{"type": "timestamp", "required": true}"#)
                == MemberLines(
                    declaration: "var m: Date", parameter: "m: Date",
                    decode: "self.m = try container.decode(EpochSeconds.self, forKey: .m).date",
                    encode: "try container.encode(EpochSeconds(self.m), forKey: .m)"))
    }

    @Test func optionalTimestamp() throws {
        #expect(
            try Self.memberLines(#"{"type": "timestamp"}"#)
                == MemberLines(
                    declaration: "var m: Date?", parameter: "m: Date? = nil",
                    decode: "self.m = try container.decodeIfPresent(EpochSeconds.self, forKey: .m).map { $0.date }",
                    encode: "try container.encodeIfPresent(self.m.map { EpochSeconds($0) }, forKey: .m)"))
    }

    @Test func listOfTimestamps() throws {
        #expect(
            try Self.memberLines(#"{"type": {"list": "timestamp"}, "required": true}"#)
                == MemberLines(
                    declaration: "var m: [Date]", parameter: "m: [Date]",
                    decode: "self.m = try container.decode([EpochSeconds].self, forKey: .m).map { $0.date }",
                    encode: "try container.encode(self.m.map { EpochSeconds($0) }, forKey: .m)"))
    }

    @Test func blobCodesBase64() throws {
        #expect(
            try Self.memberLines(#"{"type": "blob", "required": true}"#)
                == MemberLines(
                    declaration: "var m: Data", parameter: "m: Data",
                    decode: "self.m = try container.decode(Base64Bytes.self, forKey: .m).data",
                    encode: "try container.encode(Base64Bytes(self.m), forKey: .m)"))
    }

    @Test func document() throws {
        #expect(
            try Self.memberLines(#"{"type": "document"}"#)
                == MemberLines(
                    declaration: "var m: ServiceJSONValue?", parameter: "m: ServiceJSONValue? = nil",
                    decode: "self.m = try container.decodeIfPresent(ServiceJSONValue.self, forKey: .m)",
                    encode: "try container.encodeIfPresent(self.m, forKey: .m)"))
    }

    @Test func listOfStructures() throws {
        #expect(
            try Self.memberLines(
                #"{"type": {"list": "T"}, "required": true}"#,
                extraShapes: #""T": {"type": "structure", "members": {}}"#)
                == MemberLines(
                    declaration: "var m: [T]", parameter: "m: [T]",
                    decode: "self.m = try container.decode([T].self, forKey: .m)",
                    encode: "try container.encode(self.m, forKey: .m)"))
    }

    @Test func mapWithStringKeys() throws {
        #expect(
            try Self.memberLines(#"{"type": {"map": "string"}}"#)
                == MemberLines(
                    declaration: "var m: [String: String]?", parameter: "m: [String: String]? = nil",
                    decode: "self.m = try container.decodeIfPresent([String: String].self, forKey: .m)",
                    encode: "try container.encodeIfPresent(self.m, forKey: .m)"))
    }

    @Test func mapWithEnumKeysAndTimestampValues() throws {
        #expect(
            try Self.memberLines(
                #"{"type": {"map": "timestamp", "key": "E"}, "required": true}"#,
                extraShapes: #""E": {"type": "enum", "values": ["A"]}"#)
                == MemberLines(
                    declaration: "var m: [E: Date]", parameter: "m: [E: Date]",
                    decode: "self.m = try container.decode([E: EpochSeconds].self, forKey: .m).mapValues { $0.date }",
                    encode: "try container.encode(self.m.mapValues { EpochSeconds($0) }, forKey: .m)"))
    }

    @Test func enumMember() throws {
        #expect(
            try Self.memberLines(
                #"{"type": "E", "required": true}"#, extraShapes: #""E": {"type": "enum", "values": ["A"]}"#)
                == MemberLines(
                    declaration: "var m: E", parameter: "m: E",
                    decode: "self.m = try container.decode(E.self, forKey: .m)",
                    encode: "try container.encode(self.m, forKey: .m)"))
    }

    @Test func nestedStructure() throws {
        #expect(
            try Self.memberLines(#"{"type": "T"}"#, extraShapes: #""T": {"type": "structure", "members": {}}"#)
                == MemberLines(
                    declaration: "var m: T?", parameter: "m: T? = nil",
                    decode: "self.m = try container.decodeIfPresent(T.self, forKey: .m)",
                    encode: "try container.encodeIfPresent(self.m, forKey: .m)"))
    }

    @Test func optionalNullableUsesNullable() throws {
        #expect(
            try Self.memberLines(#"{"type": "document", "nullable": true}"#)
                == MemberLines(
                    declaration: "var m: Nullable<ServiceJSONValue>",
                    parameter: "m: Nullable<ServiceJSONValue> = .absent",
                    decode: "self.m = try container.decodeNullable(ServiceJSONValue.self, forKey: .m)",
                    encode: "try container.encodeNullable(self.m, forKey: .m)"))
    }

    @Test func requiredNullableIsAlwaysSent() throws {
        #expect(
            try Self.memberLines(#"{"type": "timestamp", "required": true, "nullable": true}"#)
                == MemberLines(
                    declaration: "var m: Date?", parameter: "m: Date?",
                    decode:
                        "self.m = try container.decodeRequiredNullable(EpochSeconds.self, forKey: .m).map { $0.date }",
                    encode: "try container.encodeRequiredNullable(self.m.map { EpochSeconds($0) }, forKey: .m)"))
    }

    @Test func swiftNameKeepsTheWireKey() throws {
        let text = try Fixtures.renderShape(
            "S",
            in: Fixtures.shapesSchema(
                #""S": {"type": "structure", "members": {"status_code": {"type": "integer"}, "for": {"type": "string", "swiftName": "target"}}}"#
            ))
        #expect(
            Fixtures.lines(text, containing: "case ") == [#"case statusCode = "status_code""#, #"case target = "for""#])
    }

    @Test func wholeStructureWithATopicBoundMember() throws {
        let schema = #"""
            {"name": "Svc", "shapes": {
              "Req": {"type": "structure", "documentation": "A request.", "members": {
                "thingName": {"type": "string", "required": true, "documentation": "The thing."},
                "clientToken": {"type": "string"}}},
              "Res": {"type": "structure", "members": {"clientToken": {"type": "string"}}}},
             "operations": {"Get": {"request": "Req", "publishTopic": "t/{thingName}", "subscriptions": ["t/{thingName}/+"],
               "responses": [{"topic": "t/{thingName}/ok", "shape": "Res"}], "correlation": {"kind": "token", "member": "clientToken"}}}}
            """#
        let expected = #"""
            /// A request.
            public struct Req: Codable, Hashable, Sendable {
                /// The thing.
                ///
                /// Fills the topic placeholder `{thingName}`; never part of the payload.
                public var thingName: String
                /// The `clientToken` member.
                public var clientToken: String?

                /// Creates a `Req`.
                ///
                /// - Parameters:
                ///   - thingName: The thing.
                ///   - clientToken: The `clientToken` member.
                public init(thingName: String, clientToken: String? = nil) {
                    self.thingName = thingName
                    self.clientToken = clientToken
                }

                private enum CodingKeys: String, CodingKey {
                    case clientToken
                }

                /// Decodes a `Req` from its JSON payload.
                ///
                /// Topic-bound members are not in the payload: they are read from the topic placeholders the
                /// request arrived with (`TopicPlaceholders` in the decoder's `userInfo`).
                public init(from decoder: any Decoder) throws {
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    self.thingName = try TopicPlaceholders.decode(String.self, named: "thingName", from: decoder)
                    self.clientToken = try container.decodeIfPresent(String.self, forKey: .clientToken)
                }

                /// Encodes the payload members of this `Req` as a JSON object.
                ///
                /// Topic-bound members are left out: they travel in the topic.
                public func encode(to encoder: any Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encodeIfPresent(self.clientToken, forKey: .clientToken)
                }
            }

            """#
        #expect(try Fixtures.renderShape("Req", in: schema, access: .public) == expected)
    }

    @Test func emptyStructureStillCodesAnObject() throws {
        let expected = #"""
            /// The `Empty` shape.
            struct Empty: Codable, Hashable, Sendable {
                /// Creates an `Empty`.
                init() {}

                /// Decodes an `Empty` from its JSON payload.
                init(from decoder: any Decoder) throws {
                    _ = try decoder.container(keyedBy: ServiceCodingKey.self)
                }

                /// Encodes the payload members of this `Empty` as a JSON object.
                func encode(to encoder: any Encoder) throws {
                    _ = encoder.container(keyedBy: ServiceCodingKey.self)
                }
            }

            """#
        #expect(
            try Fixtures.renderShape(
                "Empty", in: Fixtures.shapesSchema(#""Empty": {"type": "structure", "members": {}}"#)) == expected)
    }

    @Test func errorShapeConformsToError() throws {
        let schema = #"""
            {"name": "Svc", "shapes": {
              "Req": {"type": "structure", "members": {}}, "Res": {"type": "structure", "members": {}},
              "Oops": {"type": "structure", "members": {"code": {"type": "integer", "required": true}}}},
             "operations": {"Get": {"request": "Req", "publishTopic": "t", "subscriptions": ["t/+"],
               "responses": [{"topic": "t/ok", "shape": "Res"}, {"topic": "t/no", "shape": "Oops", "error": true}],
               "correlation": {"kind": "none"}}}}
            """#
        let text = try Fixtures.renderShape("Oops", in: schema)
        #expect(Fixtures.lines(text, containing: "struct") == ["struct Oops: Codable, Hashable, Sendable, Error {"])
    }

    @Test func openEnum() throws {
        let schema = Fixtures.shapesSchema(
            #""Status": {"type": "enum", "documentation": "A status.", "values": ["IN_PROGRESS", {"value": "TIMED_OUT", "documentation": "Too slow."}, {"value": "x-y", "swiftName": "other"}]}"#
        )
        let expected = #"""
            /// A status.
            ///
            /// The set is open: a value this code does not know decodes as is (see ``isKnown``) and encodes
            /// back unchanged. Match known values with `switch` and keep a `default` branch.
            struct Status: RawRepresentable, Codable, Hashable, Sendable, CodingKeyRepresentable, CustomStringConvertible {
                /// The value on the wire.
                var rawValue: String

                /// Creates a value from its wire form, known or not.
                init(rawValue: String) {
                    self.rawValue = rawValue
                }

                /// `IN_PROGRESS`.
                static let inProgress = Status(rawValue: "IN_PROGRESS")

                /// Too slow.
                static let timedOut = Status(rawValue: "TIMED_OUT")

                /// `x-y`.
                static let other = Status(rawValue: "x-y")

                /// The values known when this code was generated, in schema order.
                static let knownValues: [Status] = [.inProgress, .timedOut, .other]

                /// Whether this value was known when this code was generated.
                var isKnown: Bool { Self.knownValues.contains(self) }

                /// The value on the wire.
                var description: String { rawValue }
            }

            """#
        #expect(try Fixtures.renderShape("Status", in: schema) == expected)
    }

    @Test func namesDerivedFromWireNames() {
        #expect(SwiftNaming.lowerCamelName("IN_PROGRESS") == "inProgress")
        #expect(SwiftNaming.lowerCamelName("InternalError") == "internalError")
        #expect(SwiftNaming.lowerCamelName("status_code") == "statusCode")
        #expect(SwiftNaming.lowerCamelName("create-from-csr") == "createFromCsr")
        #expect(SwiftNaming.lowerCamelName("URLValue") == "urlValue")
        #expect(SwiftNaming.lowerCamelName("9lives") == nil)
        #expect(SwiftNaming.lowercasingLeadingWord("GetShadow") == "getShadow")
    }
}
