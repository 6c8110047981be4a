import Foundation
import Testing

@testable import RRGenCore

/// One AsyncAPI construct per test, checked on the schema the reader builds.
@Suite struct AsyncAPISnippetTests {
    typealias Fixture = AsyncAPIFixtures

    static func schema(_ text: String) throws -> ServiceSchema {
        try RRGen.parse(schema: Array(text.utf8))
    }

    static func members(_ shape: String, in schema: ServiceSchema) -> [(String, TypeReference, Bool, Bool)] {
        guard case .structure(let members)? = schema.shapes.first(where: { $0.name.value == shape })?.kind else {
            return []
        }
        return members.map { ($0.name.value, $0.type.value, $0.isRequired, $0.isNullable) }
    }

    @Test func sendWithOutcomeReplyIsATokenCorrelatedOperation() throws {
        let schema = try Self.schema(Fixture.base)
        let operation = try #require(schema.operations.first)
        #expect(operation.name.value == "GetThing")
        #expect(operation.request.value == "GetThingRequest")
        #expect(operation.publishTopic.value == "things/{thingName}/get")
        #expect(operation.correlation.value == .token(member: "clientToken"))
        #expect(
            operation.responses.map { $0.topic?.value } == [
                "things/{thingName}/get/accepted", "things/{thingName}/get/rejected",
            ])
        #expect(operation.responses.map(\.shape.value) == ["GetThingResponse", "Failure"])
        #expect(operation.responses.map(\.isError) == [false, true])
        #expect(operation.subscriptions.map(\.value) == ["things/{thingName}/get/+"])
        _ = try Fixture.model(Fixture.base)
    }

    @Test func channelParametersBecomeLeadingRequiredStringMembers() throws {
        let schema = try Self.schema(Fixture.base)
        let members = Self.members("GetThingRequest", in: schema)
        #expect(members.map(\.0) == ["thingName", "clientToken"])
        #expect(members[0].1 == .primitive(.string) && members[0].2 && !members[0].3)
        guard case .structure(let structure)? = schema.shapes.first(where: { $0.name.value == "GetThingRequest" })?.kind
        else {
            Issue.record("no request shape")
            return
        }
        #expect(structure[0].documentation == "The thing.")
    }

    @Test func outcomeFilterOverlappingAnotherChannelBecomesExactTopics() throws {
        let document = Fixture.edit(("address: things/{thingName}/updates", "address: things/{thingName}/get/delta"))
        let operation = try #require(try Self.schema(document).operations.first)
        #expect(
            operation.subscriptions.map(\.value) == [
                "things/{thingName}/get/accepted", "things/{thingName}/get/rejected",
            ])
        _ = try Fixture.model(document)
    }

    @Test func explicitSubscriptionsWin() throws {
        let document = Fixture.edit(
            (
                "      channel:\n        $ref: '#/channels/GetThingReply'",
                "      channel:\n        $ref: '#/channels/GetThingReply'\n    x-rrgen-subscriptions: ['things/{thingName}/get/accepted', 'things/{thingName}/get/rejected']"
            ))
        let operation = try #require(try Self.schema(document).operations.first)
        #expect(
            operation.subscriptions.map(\.value) == [
                "things/{thingName}/get/accepted", "things/{thingName}/get/rejected",
            ])
    }

    @Test func defaultTimeoutExtension() throws {
        let document = Fixture.edit(
            (
                "      channel:\n        $ref: '#/channels/GetThingReply'",
                "      channel:\n        $ref: '#/channels/GetThingReply'\n    x-rrgen-timeout: 2.5"
            ))
        let operation = try #require(try Self.schema(document).operations.first)
        #expect(operation.defaultTimeout?.value == 2.5)
        let model = try Fixture.model(document)
        #expect(model.operations.first?.defaultTimeoutMilliseconds == 2500)
        let client = try #require(
            RRGen.generate(schema: Array(document.utf8), options: RRGenOptions(schemaPath: "svc.yaml")).first {
                $0.name == "Svc+Client.swift"
            })
        #expect(
            client.contents.contains(
                "try await requestResponseClient.perform(Operations.getThing, request, timeout: timeout ?? .milliseconds(2500))"
            ))
        #expect(client.contents.contains("`nil` waits the operation's default, 2500 ms."))
    }

    @Test func mqtt5ResponseTopicAndCorrelationData() throws {
        let document = Fixture.edit(
            (
                "      channel:\n        $ref: '#/channels/GetThingReply'",
                "      address:\n        location: $message.header#/responseTopic\n      messages:\n        - $ref: '#/components/messages/GetThingResponse'\n        - $ref: '#/components/messages/Failure'"
            ),
            ("location: $message.payload#/clientToken", "location: $message.header#/correlationData"))
        let operation = try #require(try Self.schema(document).operations.first)
        #expect(operation.correlation.value == .correlationData)
        #expect(operation.responses.map { $0.topic?.value } == [nil, nil])
        #expect(operation.responses.map(\.isError) == [false, true])
        #expect(operation.subscriptions.isEmpty)
        _ = try Fixture.model(document)
    }

    @Test func noCorrelationIdIsUncorrelated() throws {
        let document = Fixture.edit(("      correlationId:\n        location: $message.payload#/clientToken\n", ""))
        let operation = try #require(try Self.schema(document).operations.first)
        #expect(operation.correlation.value == CorrelationSchema.none)
    }

    @Test func receiveOnParameterisedChannelIsAStream() throws {
        let schema = try Self.schema(Fixture.base)
        let stream = try #require(schema.streams.first)
        #expect(stream.name.value == "Updates")
        #expect(stream.topic.value == "things/{thingName}/updates")
        #expect(stream.event.value == "Event")
        #expect(stream.request?.value == "UpdatesRequest")
        #expect(Self.members("UpdatesRequest", in: schema).map(\.0) == ["thingName"])
    }

    @Test func streamRequestNamedByExtension() throws {
        let document = Fixture.edit(
            (
                "    channel:\n      $ref: '#/channels/Updates'",
                "    channel:\n      $ref: '#/channels/Updates'\n    x-rrgen-request:\n      $ref: '#/components/schemas/Watch'"
            ),
            ("  schemas:\n", "  schemas:\n    Watch:\n      type: object\n      description: Which thing.\n"))
        let schema = try Self.schema(document)
        #expect(schema.streams.first?.request?.value == "Watch")
        #expect(Self.members("Watch", in: schema).map(\.0) == ["thingName"])
        #expect(schema.shapes.first { $0.name.value == "Watch" }?.documentation == "Which thing.")
    }

    @Test func payloadTypes() throws {
        let document = Fixture.edit(
            (
                "    Event:\n      type: object\n      properties:\n        count:\n          type: integer",
                """
                    Event:
                      type: object
                      required: [ratio]
                      properties:
                        count: {type: integer}
                        big: {type: integer, format: int64}
                        ratio: {type: [number, "null"]}
                        flag: {type: boolean}
                        at: {type: number, x-rrgen-timestamp: true}
                        bytes: {type: string, contentEncoding: base64}
                        any: {description: Anything.}
                        anyOrNull: {x-rrgen-nullable: true}
                        list: {type: array, items: {type: string}}
                        map: {type: object, additionalProperties: {type: integer}}
                        byColor: {type: object, additionalProperties: {type: string}, propertyNames: {$ref: '#/components/schemas/Color'}}
                        failure: {oneOf: [{$ref: '#/components/schemas/Failure'}, {type: 'null'}]}
                        failureAgain: {$ref: '#/components/schemas/Failure', description: A failure.}
                    Color:
                      type: string
                      enum: [RED, GREEN]
                """
            ))
        let schema = try Self.schema(document)
        let members = Self.members("Event", in: schema)
        func type(_ name: String) -> TypeReference? { members.first { $0.0 == name }?.1 }
        func nullable(_ name: String) -> Bool? { members.first { $0.0 == name }?.3 }
        #expect(type("count") == .primitive(.integer))
        #expect(type("big") == .primitive(.long))
        #expect(type("ratio") == .primitive(.double) && nullable("ratio") == true)
        #expect(members.first { $0.0 == "ratio" }?.2 == true)
        #expect(type("flag") == .primitive(.boolean))
        #expect(type("at") == .primitive(.timestamp))
        #expect(type("bytes") == .primitive(.blob))
        #expect(type("any") == .primitive(.document) && nullable("any") == false)
        #expect(type("anyOrNull") == .primitive(.document) && nullable("anyOrNull") == true)
        guard case .list(let element)? = type("list") else { Issue.record("list"); return }
        #expect(element.value == .primitive(.string))
        guard case .map(let key, let value)? = type("map") else { Issue.record("map"); return }
        #expect(key == nil && value.value == .primitive(.integer))
        guard case .map(let colorKey, _)? = type("byColor") else { Issue.record("byColor"); return }
        #expect(colorKey?.value == .shape("Color"))
        #expect(type("failure") == .shape("Failure") && nullable("failure") == true)
        #expect(type("failureAgain") == .shape("Failure") && nullable("failureAgain") == false)
        _ = try Fixture.model(document)
    }

    @Test func enumWithValueDocumentationAndSwiftNames() throws {
        let document = Fixture.edit(
            (
                "  schemas:\n",
                """
                  schemas:
                    Color:
                      type: string
                      description: A color.
                      enum: [RED, dark-blue]
                      x-rrgen-enumDescriptions: {RED: Red.}
                      x-rrgen-enumSwiftNames: {dark-blue: navy}

                """
            ))
        let shape = try #require(try Self.schema(document).shapes.first { $0.name.value == "Color" })
        guard case .enumeration(let values) = shape.kind else { Issue.record("not an enum"); return }
        #expect(values.map(\.value.value) == ["RED", "dark-blue"])
        #expect(values.map(\.documentation) == ["Red.", nil])
        #expect(values.map { $0.swiftName?.value } == [nil, "navy"])
        #expect(shape.documentation == "A color.")
    }

    @Test func asyncAPI31ReadsLike30() throws {
        let document = Fixture.edit(("asyncapi: 3.0.0", "asyncapi: 3.1.0"))
        #expect(try Fixture.model(document) == Fixture.model(Fixture.base))
    }

    @Test func jsonDocumentsReadLikeYAML() throws {
        let exported = try RRGen.exportAsyncAPI(schema: Array(Fixture.base.utf8), yaml: false)
        #expect(exported.hasPrefix("{\n  \"asyncapi\": \"3.0.0\""))
        #expect(try Self.schema(exported).operations.map(\.name.value) == ["GetThing"])
    }

    @Test func referencedChannelsAndParameters() throws {
        let document = Fixture.edit(
            (
                "    parameters:\n      thingName:\n        description: The thing.\n",
                "    parameters:\n      thingName:\n        $ref: '#/components/parameters/thingName'\n"
            ),
            ("components:\n", "components:\n  parameters:\n    thingName:\n      description: Shared.\n"))
        let schema = try Self.schema(document)
        guard case .structure(let members)? = schema.shapes.first(where: { $0.name.value == "GetThingRequest" })?.kind
        else {
            Issue.record("no request shape")
            return
        }
        #expect(members.first?.documentation == "Shared.")
    }

    @Test func validatorDiagnosticsNameAsyncAPIPaths() {
        let document = Fixture.edit(("address: things/{thingName}/get\n", "address: things/{thingName}/get/#\n"))
        #expect(
            AsyncAPIFixtures.problems(document) == [
                "channels.GetThing.address: wildcards ('+', '#') are not allowed in a topic name"
            ])
    }
}
