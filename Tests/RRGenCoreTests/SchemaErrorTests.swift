import Testing

@testable import RRGenCore
import Foundation

/// Bad schemas, each with the exact diagnostics it must produce.
@Suite struct SchemaErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var schema: String
        var expected: [String]
        var testDescription: String { name }
    }

    /// A valid schema with one token-correlated operation; cases edit it by text replacement.
    static let base = #"""
        {"name": "Svc",
         "shapes": {
           "GetThingRequest": {"type": "structure", "members": {
             "thingName": {"type": "string", "required": true}, "clientToken": {"type": "string"}}},
           "GetThingResponse": {"type": "structure", "members": {
             "clientToken": {"type": "string"}, "value": {"type": "integer"}}},
           "Failure": {"type": "structure", "members": {
             "clientToken": {"type": "string"}, "code": {"type": "integer", "required": true}}},
           "StreamRequest": {"type": "structure", "members": {"thingName": {"type": "string", "required": true}}},
           "Event": {"type": "structure", "members": {"count": {"type": "integer"}}}
         },
         "operations": {
           "GetThing": {
             "request": "GetThingRequest",
             "publishTopic": "things/{thingName}/get",
             "subscriptions": ["things/{thingName}/get/+"],
             "responses": [
               {"topic": "things/{thingName}/get/accepted", "shape": "GetThingResponse"},
               {"topic": "things/{thingName}/get/rejected", "shape": "Failure", "error": true}],
             "correlation": {"kind": "token", "member": "clientToken"}}
         },
         "streams": {
           "Updates": {"request": "StreamRequest", "topic": "things/{thingName}/updates", "event": "Event"}
         }}
        """#

    static func edit(_ replacements: (String, String)...) -> String {
        var schema = base
        for (old, new) in replacements {
            precondition(schema.contains(old), "fixture text not found: \(old)")
            schema = schema.replacingOccurrences(of: old, with: new)
        }
        return schema
    }

    static let cases: [Case] = [
        Case(
            name: "JSON syntax error names the path and position",
            schema: #"{"name": "Svc", "shapes": {"A": {"type": "structure" "members": {}}}}"#,
            expected: [#"shapes.A: expected ',' or '}' after the member 'type', found '"' (line 1, column 54)"#]),
        Case(
            name: "duplicate key",
            schema: #"{"name": "Svc", "shapes": {"A": {"type": "enum", "values": ["X"]}, "A": {}}}"#,
            expected: ["shapes: duplicate key 'A' (line 1, column 68)"]),
        Case(
            name: "misspelt member key",
            schema: edit((#""value": {"type": "integer"}}}"#, #""value": {"type": "integer", "requried": true}}}"#)),
            expected: [
                "shapes.GetThingResponse.members.value.requried: unknown key 'requried'; expected one of 'type', 'required', 'nullable', 'documentation', 'swiftName'"
            ]),
        Case(
            name: "missing correlation",
            schema: edit(
                (#""correlation": {"kind": "token", "member": "clientToken"}"#, #""documentation": "no correlation""#)),
            expected: [
                #"operations.GetThing: missing required key 'correlation' ({"kind": "token" | "correlationData" | "none"})"#
            ]),
        Case(
            name: "unknown correlation kind",
            schema: edit((#""kind": "token", "member": "clientToken""#, #""kind": "clientToken""#)),
            expected: [
                #"operations.GetThing.correlation.kind: expected "token", "correlationData" or "none", found "clientToken""#
            ]),
        Case(
            name: "invalid service name",
            schema: edit((#""name": "Svc""#, #""name": "my service""#)),
            expected: ["name: 'my service' is not a valid Swift type name"]),
        Case(
            name: "unknown shape, with a suggestion for a case mistake",
            schema: edit((#""value": {"type": "integer"}}}"#, #""value": {"type": "Integer"}}}"#)),
            expected: ["shapes.GetThingResponse.members.value.type: unknown shape 'Integer'; did you mean 'integer'?"]),
        Case(
            name: "placeholder that is not a request member",
            schema: edit((#""publishTopic": "things/{thingName}/get""#, #""publishTopic": "things/{thing}/get""#)),
            expected: [
                "operations.GetThing.publishTopic: placeholder {thing} is not a member of GetThingRequest",
                "operations.GetThing.subscriptions[0]: placeholder {thingName} is not in the publish topic, so a service could not know its value",
                "operations.GetThing.responses[0].topic: placeholder {thingName} is not in the publish topic, so a service could not know its value",
                "operations.GetThing.responses[1].topic: placeholder {thingName} is not in the publish topic, so a service could not know its value",
            ]),
        Case(
            name: "placeholder bound to an optional member",
            schema: edit(
                (
                    #""thingName": {"type": "string", "required": true}, "clientToken""#,
                    #""thingName": {"type": "string"}, "clientToken""#
                )),
            expected: [
                "operations.GetThing.publishTopic: placeholder {thingName} is bound to optional member 'thingName' of GetThingRequest; topic members must be required"
            ]),
        Case(
            name: "placeholder bound to a member of an unusable type",
            schema: edit(
                (
                    #""thingName": {"type": "string", "required": true}, "clientToken""#,
                    #""thingName": {"type": "double", "required": true}, "clientToken""#
                )),
            expected: [
                "operations.GetThing.publishTopic: placeholder {thingName} is bound to member 'thingName' of type double; topic members must be string, integer, long or an enum"
            ]),
        Case(
            name: "response topic no subscription covers",
            schema: edit(
                (
                    #""subscriptions": ["things/{thingName}/get/+"]"#,
                    #""subscriptions": ["things/{thingName}/get/accepted"]"#
                )),
            expected: [
                "operations.GetThing.responses[1].topic: response topic 'things/{thingName}/get/rejected' is not covered by any subscription filter"
            ]),
        Case(
            name: "wildcard in the publish topic",
            schema: edit((#""publishTopic": "things/{thingName}/get""#, #""publishTopic": "things/{thingName}/+""#)),
            expected: ["operations.GetThing.publishTopic: wildcards ('+', '#') are not allowed in a topic name"]),
        Case(
            name: "'#' before the last level",
            schema: edit((#""subscriptions": ["things/{thingName}/get/+"]"#, #""subscriptions": ["things/#/get"]"#)),
            expected: ["operations.GetThing.subscriptions[0]: '#' must be the last level of a topic filter"]),
        Case(
            name: "placeholder inside a level",
            schema: edit(
                (#""publishTopic": "things/{thingName}/get""#, #""publishTopic": "things/id-{thingName}/get""#)),
            expected: [
                "operations.GetThing.publishTopic: a placeholder must be a whole topic level, found 'id-{thingName}'"
            ]),
        Case(
            name: "reserved Swift word as a member name",
            schema: edit((#""value": {"type": "integer"}}}"#, #""default": {"type": "integer"}}}"#)),
            expected: [#"shapes.GetThingResponse.members.default: 'default' is a reserved Swift word; set "swiftName""#]
        ),
        Case(
            name: "two members with one Swift name",
            schema: edit(
                (#""value": {"type": "integer"}}}"#, #""value": {"type": "integer"}, "VALUE": {"type": "string"}}}"#)),
            expected: ["shapes.GetThingResponse.members.VALUE: Swift name 'value' is already used by member 'value'"]),
        Case(
            name: "shape named like a generated type",
            schema: edit((#""Event": {"type""#, #""Client": {"type""#), (#""event": "Event""#, #""event": "Client""#)),
            expected: ["shapes.Client: 'Client' collides with a type rrgen generates in the service namespace"]),
        Case(
            name: "shape shadowing a type the generated code uses",
            schema: edit((#""Event": {"type""#, #""Date": {"type""#), (#""event": "Event""#, #""event": "Date""#)),
            expected: ["shapes.Date: 'Date' would shadow a type the generated code uses"]),
        Case(
            name: "enum values with one Swift name",
            schema: shapesSchema(#""Status": {"type": "enum", "values": ["IN_PROGRESS", "InProgress"]}"#),
            expected: ["shapes.Status.values[1]: Swift name 'inProgress' is already used by value 'IN_PROGRESS'"]),
        Case(
            name: "structure that contains itself",
            schema: shapesSchema(
                #""A": {"type": "structure", "members": {"b": {"type": "B", "required": true}}}, "B": {"type": "structure", "members": {"a": {"type": "A"}}}"#
            ),
            expected: [
                "shapes.A.members.b.type: structure A contains itself (A.b -> B.a -> A); use an optional list or map to break the cycle"
            ]),
        Case(
            name: "map key that is not a string or enum",
            schema: shapesSchema(
                #""A": {"type": "structure", "members": {"m": {"type": {"map": "string", "key": "integer"}}}}"#),
            expected: ["shapes.A.members.m.type.key: a map key must be string or an enum shape, found integer"]),
        Case(
            name: "response shape without the token member",
            schema: edit((#""clientToken": {"type": "string"}, "value""#, #""value""#)),
            expected: [
                "operations.GetThing.correlation.member: response shape GetThingResponse has no member 'clientToken' to carry the token back"
            ]),
        Case(
            name: "required token member",
            schema: edit(
                (#""clientToken": {"type": "string"}}},"#, #""clientToken": {"type": "string", "required": true}}},"#)),
            expected: [
                "operations.GetThing.correlation.member: member 'clientToken' of GetThingRequest carries the correlation token and must be an optional, non-nullable string"
            ]),
        Case(
            name: "response filter that also catches a stream",
            schema: edit((#""topic": "things/{thingName}/updates""#, #""topic": "things/{thingName}/get/delta""#)),
            expected: [
                "operations.GetThing.subscriptions[0]: filter 'things/{thingName}/get/+' also matches the topic of stream Updates ('things/{thingName}/get/delta'); subscribe to the response topics themselves"
            ]),
        Case(
            name: "stream request member that is not a placeholder",
            schema: edit(
                (
                    #""StreamRequest": {"type": "structure", "members": {"#,
                    #""StreamRequest": {"type": "structure", "members": {"extra": {"type": "string"}, "#
                )),
            expected: [
                "streams.Updates.request: member 'extra' of StreamRequest is not a placeholder of the stream topic; a subscription has no payload to carry it"
            ]),
        Case(
            name: "request with topic members nested in another shape",
            schema: edit(
                (
                    #""Event": {"type": "structure", "members": {"count": {"type": "integer"}}}"#,
                    #""Event": {"type": "structure", "members": {"inner": {"type": "GetThingRequest"}}}"#
                )),
            expected: [
                "shapes.Event.members.inner.type: GetThingRequest has topic-bound members (thingName) and cannot be nested in another shape"
            ]),
        Case(
            name: "two success shapes",
            schema: edit(
                (
                    #"{"topic": "things/{thingName}/get/rejected", "shape": "Failure", "error": true}"#,
                    #"{"topic": "things/{thingName}/get/rejected", "shape": "Failure"}"#
                )),
            expected: [
                "operations.GetThing.responses[1].shape: every success response must decode to the same shape (GetThingResponse), found Failure"
            ]),
        Case(
            name: "response topics in correlation-data mode",
            schema: edit(
                (#""kind": "token", "member": "clientToken""#, #""kind": "correlationData""#),
                (#""subscriptions": ["things/{thingName}/get/+"],"#, "")),
            expected: [
                #"operations.GetThing.responses[0].topic: with correlation "correlationData" responses have no topic; the request-response layer chooses it"#,
                #"operations.GetThing.responses[1].topic: with correlation "correlationData" responses have no topic; the request-response layer chooses it"#,
            ]),
        Case(
            name: "operation and stream with one method name",
            schema: edit(
                (#""GetThing": {"#, #""GetThingEvents": {"#), (#""Updates": {"request""#, #""GetThing": {"request""#)),
            expected: ["streams.GetThing: method name 'getThingEvents' is already used by operations.GetThingEvents"]),
    ]

    static func shapesSchema(_ shapes: String) -> String { Fixtures.shapesSchema(shapes) }

    @Test(arguments: cases)
    func badSchemaIsReportedExactly(_ testCase: Case) {
        #expect(Fixtures.problems(testCase.schema) == testCase.expected)
    }

    @Test func baseSchemaIsValid() {
        #expect(Fixtures.problems(Self.base) == [])
    }

    @Test func diagnosticsCarryLocationsForEditors() throws {
        let schema = Self.edit((#""publishTopic": "things/{thingName}/get""#, #""publishTopic": "things/{thing}/get""#))
        let error = try #require(throws: RRGenError.self) { try Fixtures.model(schema) }
        let first = try #require(error.diagnostics.first)
        #expect(first.location == SourceLocation(line: 15, column: 22))
        #expect(
            first.formatted(file: "svc.json")
                == "svc.json:15:22: error: operations.GetThing.publishTopic: placeholder {thing} is not a member of GetThingRequest"
        )
    }
}
