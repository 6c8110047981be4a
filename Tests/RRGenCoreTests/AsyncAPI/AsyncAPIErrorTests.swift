import Testing

@testable import RRGenCore

/// Bad AsyncAPI documents, each with the exact diagnostics it must produce: the JSON path of
/// the construct and why rrgen cannot read it.
@Suite struct AsyncAPIErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var document: String
        var expected: [String]
        var testDescription: String { name }
    }

    typealias Fixture = AsyncAPIFixtures

    static let cases: [Case] = [
        Case(
            name: "AsyncAPI 2",
            document: Fixture.edit(("asyncapi: 3.0.0", "asyncapi: 2.6.0")),
            expected: ["asyncapi: AsyncAPI 2.6.0 is not supported; rrgen reads 3.0.0 and 3.1.0"]),
        Case(
            name: "missing info.version",
            document: Fixture.edit(("  version: 1.0.0\n", "")),
            expected: [#"info: missing required key 'version' (the document's version, such as "1.0.0")"#]),
        Case(
            name: "unsupported root key",
            document: Fixture.edit(("channels:\n", "security: []\nchannels:\n")),
            expected: [
                "security: 'security' is not supported in an AsyncAPI document (rrgen reads 'asyncapi', 'info', 'channels', 'operations', 'components', 'defaultContentType')"
            ]),
        Case(
            name: "non-JSON content type",
            document: Fixture.edit(("channels:\n", "defaultContentType: application/avro\nchannels:\n")),
            expected: ["defaultContentType: only application/json payloads are supported, found 'application/avro'"]),
        Case(
            name: "unknown rrgen extension",
            document: Fixture.edit(("      x-rrgen-error: true", "      x-rrgen-eror: true")),
            expected: ["components.messages.Failure.x-rrgen-eror: 'x-rrgen-eror': unknown rrgen extension"]),
        Case(
            name: "rrgen extension in the wrong place",
            document: Fixture.edit(("  title: Svc\n", "  title: Svc\n  x-rrgen-error: true\n")),
            expected: ["info.x-rrgen-error: 'x-rrgen-error': it does not apply to the info object"]),
        Case(
            name: "send without reply",
            document: Fixture.edit(("    reply:\n      channel:\n        $ref: '#/channels/GetThingReply'\n", "")),
            expected: [
                "operations.GetThing: a send operation needs a 'reply': rrgen generates request-response operations and streams, not one-way sends"
            ]),
        Case(
            name: "unknown action",
            document: Fixture.edit(("action: send", "action: publish")),
            expected: [#"operations.GetThing.action: expected "send" or "receive", found "publish""#]),
        Case(
            name: "dangling channel reference",
            document: Fixture.edit(("      $ref: '#/channels/GetThing'\n", "      $ref: '#/channels/GetThng'\n")),
            expected: ["operations.GetThing.channel.$ref: '#/channels/GetThng' must refer to a channel in #/channels"]),
        Case(
            name: "external reference",
            document: Fixture.edit(("$ref: '#/components/schemas/Event'", "$ref: 'common.yaml#/Event'")),
            expected: [
                "components.messages.Event.payload.$ref: only references within the document ('#/...') are supported, found 'common.yaml#/Event'"
            ]),
        Case(
            name: "address placeholder without parameter",
            document: Fixture.edit(
                ("address: things/{thingName}/updates", "address: things/{thingName}/{kind}/updates")),
            expected: ["channels.Updates.address: the address uses {kind}, which is not in the channel's parameters"]),
        Case(
            name: "parameter not in the address",
            document: Fixture.edit(
                (
                    "    address: things/{thingName}/updates\n    parameters:\n      thingName: {}\n",
                    "    address: things/{thingName}/updates\n    parameters:\n      thingName: {}\n      kind: {}\n"
                )),
            expected: [
                "channels.Updates.parameters.kind: parameter 'kind' does not appear in the address 'things/{thingName}/updates'"
            ]),
        Case(
            name: "reply message not keyed by an outcome",
            document: Fixture.edit(
                (
                    "      rejected:\n        $ref: '#/components/messages/Failure'",
                    "      failed:\n        $ref: '#/components/messages/Failure'"
                )),
            expected: [
                "components.messages.Failure: reply message 'failed' must be keyed by an outcome: one of accepted, rejected (the values of parameter 'outcome')"
            ]),
        Case(
            name: "outcome without a message",
            document: Fixture.edit(("enum: [accepted, rejected]", "enum: [accepted, rejected, timeout]")),
            expected: [
                "channels.GetThingReply.parameters.outcome: outcome 'timeout' has no reply message keyed 'timeout'"
            ]),
        Case(
            name: "nested correlation id",
            document: Fixture.edit(
                ("location: $message.payload#/clientToken", "location: $message.payload#/meta/token")),
            expected: [
                #"components.messages.GetThingRequest.correlationId.location: the correlation token must be a top-level payload member, found "$message.payload#/meta/token""#
            ]),
        Case(
            name: "correlation data without the response topic",
            document: Fixture.edit(
                ("location: $message.payload#/clientToken", "location: $message.header#/correlationData")),
            expected: [
                #"components.messages.GetThingRequest.correlationId.location: correlation data needs the reply address "$message.header#/responseTopic""#
            ]),
        Case(
            name: "other reply address",
            document: Fixture.edit(
                (
                    "      channel:\n        $ref: '#/channels/GetThingReply'",
                    "      address:\n        location: $message.payload#/replyTo"
                )),
            expected: [
                #"operations.GetThing.reply.address.location: the only supported reply address is "$message.header#/responseTopic" (MQTT 5), found "$message.payload#/replyTo""#
            ]),
        Case(
            name: "inline payload",
            document: Fixture.edit(
                ("      payload:\n        $ref: '#/components/schemas/Event'", "      payload:\n        type: object")),
            expected: [
                "components.messages.Event.payload: an inline payload is not supported; move the schema to components.schemas (its key names the Swift type) and refer to it"
            ]),
        Case(
            name: "inline object property",
            document: Fixture.edit(
                (
                    "        count:\n          type: integer",
                    "        count:\n          type: object\n          properties: {a: {type: string}}"
                )),
            expected: [
                "components.schemas.Event.properties.count.properties: inline object schemas are not supported; move it to components.schemas (its key names the Swift type) and refer to it"
            ]),
        Case(
            name: "inline enum",
            document: Fixture.edit(
                (
                    "        count:\n          type: integer",
                    "        count:\n          type: string\n          enum: [A, B]"
                )),
            expected: [
                "components.schemas.Event.properties.count.enum: inline enums are not supported; move the enum to components.schemas (its key names the Swift type) and refer to it"
            ]),
        Case(
            name: "validation keyword",
            document: Fixture.edit(
                (
                    "        count:\n          type: integer",
                    "        count:\n          type: integer\n          minimum: 0"
                )),
            expected: [
                "components.schemas.Event.properties.count.minimum: 'minimum' is not supported in a property schema (rrgen reads 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'description', 'format', 'contentEncoding', 'propertyNames', 'oneOf', 'anyOf', '$ref')"
            ]),
        Case(
            name: "union type",
            document: Fixture.edit(
                ("        count:\n          type: integer", "        count:\n          type: [integer, string]")),
            expected: [
                #"components.schemas.Event.properties.count.type: a list of types is supported only as [T, "null"] (a nullable T)"#
            ]),
        Case(
            name: "oneOf that is not a nullable reference",
            document: Fixture.edit(
                (
                    "        count:\n          type: integer",
                    "        count:\n          oneOf: [{type: integer}, {type: string}]"
                )),
            expected: [
                #"components.schemas.Event.properties.count.oneOf: 'oneOf' is supported only as a nullable reference: [{"$ref": ...}, {"type": "null"}]"#
            ]),
        Case(
            name: "allOf",
            document: Fixture.edit(
                (
                    "        count:\n          type: integer",
                    "        count:\n          allOf: [{$ref: '#/components/schemas/Failure'}]"
                )),
            expected: [
                "components.schemas.Event.properties.count.allOf: 'allOf' is not supported in a property schema (rrgen reads 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'description', 'format', 'contentEncoding', 'propertyNames', 'oneOf', 'anyOf', '$ref')"
            ]),
        Case(
            name: "required property that does not exist",
            document: Fixture.edit(("      required: [code]", "      required: [code, reason]")),
            expected: ["components.schemas.Failure.required[1]: 'reason' is required but is not one of the properties"]),
        Case(
            name: "timestamp on a string",
            document: Fixture.edit(
                (
                    "        count:\n          type: integer",
                    "        count:\n          type: string\n          x-rrgen-timestamp: true"
                )),
            expected: [
                #"components.schemas.Event.properties.count.x-rrgen-timestamp: 'x-rrgen-timestamp' marks epoch seconds and needs "type": "number" or "integer""#
            ]),
        Case(
            name: "receive with reply",
            document: Fixture.edit(
                (
                    "    channel:\n      $ref: '#/channels/Updates'",
                    "    channel:\n      $ref: '#/channels/Updates'\n    reply:\n      channel:\n        $ref: '#/channels/GetThingReply'"
                )),
            expected: [
                "operations.Updates.reply: a receive operation with a reply is not supported; a stream only receives"
            ]),
        Case(
            name: "message traits",
            document: Fixture.edit(("    Event:\n      payload:", "    Event:\n      traits: []\n      payload:")),
            expected: [
                "components.messages.Event.traits: 'traits' is not supported in a message (rrgen reads 'payload', 'correlationId', 'contentType', 'description')"
            ]),
        Case(
            name: "non-positive timeout",
            document: Fixture.edit(
                (
                    "      channel:\n        $ref: '#/channels/GetThingReply'",
                    "      channel:\n        $ref: '#/channels/GetThingReply'\n    x-rrgen-timeout: 0"
                )),
            expected: [
                "operations.GetThing.x-rrgen-timeout: a timeout is a number of seconds from 0.001 to 86400, found 0.0"
            ]),
        Case(
            name: "timeout on a stream",
            document: Fixture.edit(
                (
                    "    channel:\n      $ref: '#/channels/Updates'",
                    "    channel:\n      $ref: '#/channels/Updates'\n    x-rrgen-timeout: 5"
                )),
            expected: [
                "operations.Updates.x-rrgen-timeout: a stream has no response to wait for; 'x-rrgen-timeout' is for send operations"
            ]),
        Case(
            name: "duplicate YAML key",
            document: Fixture.edit(("  Updates:\n    address:", "  GetThing:\n    address:")),
            expected: ["invalid YAML: duplicate key 'GetThing'"]),
        Case(
            name: "YAML syntax error",
            document: Fixture.edit(("enum: [accepted, rejected]", "enum: [accepted, rejected")),
            expected: ["invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)"]),
        Case(
            name: "error found by the validator names the AsyncAPI path",
            document: Fixture.edit(
                (
                    "      correlationId:\n        location: $message.payload#/clientToken",
                    "      correlationId:\n        location: $message.payload#/token"
                )),
            expected: [
                "components.messages.GetThingRequest.correlationId.member: 'token' is not a member of GetThingRequest"
            ]),
    ]

    @Test(arguments: cases)
    func badDocumentIsRejected(_ testCase: Case) {
        #expect(Fixture.problems(testCase.document) == testCase.expected)
    }

    @Test func thereAreAtLeastFifteenCases() {
        #expect(Self.cases.count >= 15)
    }
}
