import Foundation
import Testing

@testable import RRGenCore

/// The shipped schemas against the payloads the AWS IoT Developer Guide documents for Device
/// Shadow ("Device Shadow service documents"), Jobs ("Jobs device MQTT API operations") and
/// fleet provisioning ("Device provisioning MQTT API"): every documented top-level key is a
/// member of the shape, and every payload member of the shape is documented. Topic-bound
/// members (thing, shadow, job and template names) travel in the topic and are left out.
///
/// The JSON below restates the documented examples with sample values.
@Suite struct AWSDocumentedPayloadTests {
    struct Documented: CustomTestStringConvertible, Sendable {
        var schema: String
        var shape: String
        var json: String
        var testDescription: String { "\(schema).\(shape)" }
    }

    static let documented: [Documented] = [
        // Shadow: request state document, response state documents, error response document.
        .init(
            schema: "shadow", shape: "UpdateShadowRequest",
            json:
                #"{"state": {"desired": {"color": "red"}, "reported": {"color": "blue"}}, "clientToken": "token", "version": 10}"#
        ),
        .init(schema: "shadow", shape: "GetShadowRequest", json: #"{"clientToken": "token"}"#),
        .init(schema: "shadow", shape: "GetNamedShadowRequest", json: #"{"clientToken": "token"}"#),
        .init(schema: "shadow", shape: "DeleteNamedShadowRequest", json: #"{"clientToken": "token"}"#),
        .init(
            schema: "shadow", shape: "UpdateNamedShadowRequest",
            json:
                #"{"state": {"desired": {"color": "red"}, "reported": {"color": "blue"}}, "clientToken": "token", "version": 10}"#
        ),
        .init(schema: "shadow", shape: "DeleteShadowRequest", json: #"{"clientToken": "token"}"#),
        .init(
            schema: "shadow", shape: "GetShadowResponse",
            json:
                #"{"state": {"desired": {}, "reported": {}, "delta": {}}, "metadata": {"desired": {}, "reported": {}}, "timestamp": 1, "clientToken": "token", "version": 10}"#
        ),
        .init(
            schema: "shadow", shape: "UpdateShadowResponse",
            json:
                #"{"state": {"desired": {"color": "red"}}, "metadata": {"desired": {"color": {"timestamp": 1}}}, "timestamp": 1, "clientToken": "token", "version": 10}"#
        ),
        .init(
            schema: "shadow", shape: "ShadowDeltaUpdatedEvent",
            json:
                #"{"state": {"color": "red"}, "metadata": {"color": {"timestamp": 1}}, "timestamp": 1, "clientToken": "token", "version": 10}"#
        ),
        .init(
            schema: "shadow", shape: "ShadowUpdatedEvent",
            json:
                #"{"previous": {"state": {"desired": {}, "reported": {}}, "metadata": {"desired": {}, "reported": {}}, "version": 1}, "current": {"state": {"desired": {}, "reported": {}}, "metadata": {"desired": {}, "reported": {}}, "version": 2}, "timestamp": 1, "clientToken": "token"}"#
        ),
        .init(
            schema: "shadow", shape: "ShadowUpdatedSnapshot",
            json:
                #"{"state": {"desired": {}, "reported": {}}, "metadata": {"desired": {}, "reported": {}}, "version": 1}"#
        ),
        .init(
            schema: "shadow", shape: "DeleteShadowResponse",
            json: #"{"version": 1, "timestamp": 1, "clientToken": "token"}"#),
        .init(
            schema: "shadow", shape: "ErrorResponse",
            json:
                #"{"code": 404, "message": "No shadow exists with name: 'thing'", "timestamp": 1, "clientToken": "token"}"#
        ),
        // Jobs.
        .init(schema: "jobs", shape: "GetPendingJobExecutionsRequest", json: #"{"clientToken": "token"}"#),
        .init(
            schema: "jobs", shape: "GetPendingJobExecutionsResponse",
            json: #"{"inProgressJobs": [], "queuedJobs": [], "timestamp": 1, "clientToken": "token"}"#),
        .init(
            schema: "jobs", shape: "StartNextPendingJobExecutionRequest",
            json: #"{"statusDetails": {"k": "v"}, "stepTimeoutInMinutes": 5, "clientToken": "token"}"#),
        .init(
            schema: "jobs", shape: "StartNextJobExecutionResponse",
            json: #"{"execution": {}, "timestamp": 1, "clientToken": "token"}"#),
        .init(
            schema: "jobs", shape: "DescribeJobExecutionRequest",
            json: #"{"executionNumber": 1, "includeJobDocument": true, "clientToken": "token"}"#),
        .init(
            schema: "jobs", shape: "DescribeJobExecutionResponse",
            json: #"{"execution": {}, "timestamp": 1, "clientToken": "token"}"#),
        .init(
            schema: "jobs", shape: "UpdateJobExecutionRequest",
            json:
                #"{"status": "IN_PROGRESS", "statusDetails": {"k": "v"}, "expectedVersion": 1, "executionNumber": 1, "includeJobExecutionState": true, "includeJobDocument": true, "stepTimeoutInMinutes": 5, "clientToken": "token"}"#
        ),
        .init(
            schema: "jobs", shape: "UpdateJobExecutionResponse",
            json: #"{"executionState": {}, "jobDocument": {}, "timestamp": 1, "clientToken": "token"}"#),
        .init(
            schema: "jobs", shape: "JobExecutionData",
            json:
                #"{"jobId": "j", "thingName": "t", "jobDocument": {}, "status": "QUEUED", "statusDetails": {}, "queuedAt": 1, "startedAt": 1, "lastUpdatedAt": 1, "versionNumber": 1, "executionNumber": 1}"#
        ),
        .init(
            schema: "jobs", shape: "JobExecutionSummary",
            json:
                #"{"jobId": "j", "queuedAt": 1, "startedAt": 1, "lastUpdatedAt": 1, "versionNumber": 1, "executionNumber": 1}"#
        ),
        .init(
            schema: "jobs", shape: "JobExecutionState",
            json: #"{"status": "IN_PROGRESS", "statusDetails": {}, "versionNumber": 1}"#),
        .init(schema: "jobs", shape: "JobExecutionsChangedEvent", json: #"{"timestamp": 1, "jobs": {"QUEUED": []}}"#),
        .init(schema: "jobs", shape: "NextJobExecutionChangedEvent", json: #"{"timestamp": 1, "execution": {}}"#),
        .init(
            schema: "jobs", shape: "ErrorResponse",
            json:
                #"{"code": "InvalidRequest", "message": "m", "clientToken": "token", "timestamp": 1, "executionState": {}}"#
        ),
        // Fleet provisioning.
        .init(schema: "identity", shape: "CreateKeysAndCertificateRequest", json: #"{}"#),
        .init(
            schema: "identity", shape: "CreateKeysAndCertificateResponse",
            json: #"{"certificateId": "c", "certificatePem": "p", "privateKey": "k", "certificateOwnershipToken": "t"}"#
        ),
        .init(
            schema: "identity", shape: "CreateCertificateFromCsrRequest", json: #"{"certificateSigningRequest": "csr"}"#
        ),
        .init(
            schema: "identity", shape: "CreateCertificateFromCsrResponse",
            json: #"{"certificateId": "c", "certificatePem": "p", "certificateOwnershipToken": "t"}"#),
        .init(
            schema: "identity", shape: "RegisterThingRequest",
            json: #"{"certificateOwnershipToken": "t", "parameters": {"SerialNumber": "1"}}"#),
        .init(
            schema: "identity", shape: "RegisterThingResponse",
            json: #"{"deviceConfiguration": {"k": "v"}, "thingName": "t"}"#),
        .init(
            schema: "identity", shape: "ErrorResponse",
            json: #"{"statusCode": 400, "errorCode": "InvalidPayload", "errorMessage": "m"}"#),
    ]

    /// Members that fill topic placeholders, per schema (never in the payload).
    static let topicMembers: Set<String> = ["thingName", "shadowName", "jobId", "templateName"]

    @Test(arguments: documented)
    func schemaMembersAreTheDocumentedKeys(_ documented: Documented) throws {
        let schema = try SchemaParser.parse(Fixtures.schema(documented.schema))
        let shape = try #require(schema.shapes.first { $0.name.value == documented.shape })
        guard case .structure(let members) = shape.kind else {
            Issue.record("\(documented.shape) is not a structure")
            return
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(documented.json.utf8)) as? [String: Any])
        let isRequest = schema.operations.contains { $0.request.value == documented.shape }
        let payloadMembers = Set(members.map(\.name.value)).subtracting(isRequest ? Self.topicMembers : [])
        #expect(
            payloadMembers == Set(object.keys),
            "\(documented.schema).\(documented.shape): schema \(payloadMembers.sorted()) vs documented \(object.keys.sorted())"
        )
    }

    /// Every structure that is a payload somewhere is covered above.
    @Test(arguments: Fixtures.services.map(\.schema))
    func everyPayloadShapeIsChecked(_ name: String) throws {
        let schema = try SchemaParser.parse(Fixtures.schema(name))
        var payloads = Set(schema.operations.flatMap { [$0.request.value] + $0.responses.map(\.shape.value) })
        payloads.formUnion(schema.streams.map(\.event.value))
        let checked = Set(Self.documented.filter { $0.schema == name }.map(\.shape))
        #expect(
            payloads.subtracting(checked).isEmpty,
            "not checked against the documentation: \(payloads.subtracting(checked).sorted())")
    }
}
