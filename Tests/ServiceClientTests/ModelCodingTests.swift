import Foundation
import IoTIdentity
import IoTJobs
import IoTShadow
import MQTTServiceRuntime
import NIOCore
import Testing

/// The generated models on the wire: the traps users of other SDKs fall into.
@Suite struct ModelCodingTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String, placeholders: [String: String] = [:]) throws -> T {
        try ServiceCoding.decode(T.self, from: ByteBuffer(string: json), topicPlaceholders: placeholders)
    }

    func encode(_ value: some Encodable) throws -> String {
        String(buffer: try ServiceCoding.encode(value))
    }

    @Test func epochSecondsDecodeFrom1970NotFrom2001() throws {
        let response = try decode(IoTShadow.DeleteShadowResponse.self, #"{"timestamp": 1700000000, "version": 3}"#)
        #expect(response.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(response.timestamp.timeIntervalSinceReferenceDate != 1_700_000_000)
        // Independent of the decoder's date strategy: a plain JSONDecoder gets it right too.
        let plain = try JSONDecoder().decode(
            IoTShadow.DeleteShadowResponse.self, from: Data(#"{"timestamp": 1700000000.5, "version": 3}"#.utf8))
        #expect(plain.timestamp == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(try encode(response) == #"{"timestamp":1700000000,"version":3}"#)
    }

    @Test func nullAndAbsentAreDistinctOnTheWire() throws {
        #expect(try encode(IoTShadow.ShadowState()) == "{}")
        #expect(try encode(IoTShadow.ShadowState(desired: .null)) == #"{"desired":null}"#)
        #expect(
            try encode(IoTShadow.ShadowState(desired: .value(["color": "red"]), reported: .null))
                == #"{"desired":{"color":"red"},"reported":null}"#)

        #expect(
            try decode(IoTShadow.ShadowState.self, "{}") == IoTShadow.ShadowState(desired: .absent, reported: .absent))
        #expect(try decode(IoTShadow.ShadowState.self, #"{"desired": null}"#).desired == .null)
        let state = try decode(IoTShadow.ShadowState.self, #"{"reported": {"on": true, "level": 3}}"#)
        #expect(state.reported == .value(["on": true, "level": 3]))
        #expect(state.desired.isAbsent)
    }

    @Test func updateRequestCanClearASection() throws {
        let request = IoTShadow.UpdateShadowRequest(thingName: "lamp", clientToken: "t1", state: .init(desired: .null))
        #expect(try encode(request) == #"{"clientToken":"t1","state":{"desired":null}}"#)
    }

    @Test func unknownEnumValuesSurviveARoundTrip() throws {
        let state = try decode(IoTJobs.JobExecutionState.self, #"{"status": "PAUSED", "versionNumber": 2}"#)
        #expect(state.status.rawValue == "PAUSED")
        #expect(!state.status.isKnown)
        #expect(try encode(state) == #"{"status":"PAUSED","versionNumber":2}"#)

        let known = try decode(IoTJobs.JobExecutionState.self, #"{"status": "IN_PROGRESS", "versionNumber": 2}"#)
        #expect(known.status == .inProgress)
        #expect(known.status.isKnown)
        switch known.status {
        case .inProgress: break
        default: Issue.record("switch should match .inProgress")
        }
    }

    @Test func enumKeyedMapsDecodeAsObjectsIncludingUnknownKeys() throws {
        let event = try decode(
            IoTJobs.JobExecutionsChangedEvent.self,
            #"{"jobs": {"QUEUED": [{"jobId": "j1", "queuedAt": 1700000000}], "PAUSED": []}, "timestamp": 1700000001}"#)
        #expect(event.jobs[.queued]?.first?.jobId == "j1")
        #expect(event.jobs[.queued]?.first?.queuedAt == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(event.jobs[IoTJobs.JobStatus(rawValue: "PAUSED")] == [])
        let reencoded = try encode(event)
        #expect(reencoded.contains(#""PAUSED":[]"#))
    }

    @Test func clientTokenIsOptionalInDeltas() throws {
        // A delta caused by a console update carries no token.
        let delta = try decode(
            IoTShadow.ShadowDeltaUpdatedEvent.self,
            #"{"state": {"color": "green"}, "metadata": {"color": {"timestamp": 1700000000}}, "timestamp": 1700000002, "version": 7}"#
        )
        #expect(delta.clientToken == nil)
        #expect(delta.state["color"]?.stringValue == "green")
        #expect(delta.version == 7)
    }

    @Test func topicOnlyMembersStayOutOfThePayload() throws {
        let request = IoTShadow.GetNamedShadowRequest(thingName: "lamp", shadowName: "config", clientToken: "t2")
        #expect(try encode(request) == #"{"clientToken":"t2"}"#)
        let register = IoTIdentity.RegisterThingRequest(
            templateName: "fleet", certificateOwnershipToken: "own", parameters: ["SerialNumber": "42"])
        #expect(try encode(register) == #"{"certificateOwnershipToken":"own","parameters":{"SerialNumber":"42"}}"#)
    }

    @Test func topicOnlyMembersDecodeFromTheTopic() throws {
        let decoded = try decode(
            IoTShadow.GetNamedShadowRequest.self, #"{"clientToken": "t2", "thingName": "ignored"}"#,
            placeholders: ["thingName": "lamp", "shadowName": "config"])
        #expect(decoded == IoTShadow.GetNamedShadowRequest(thingName: "lamp", shadowName: "config", clientToken: "t2"))
        #expect(throws: DecodingError.self) { try decode(IoTShadow.GetShadowRequest.self, #"{"thingName": "lamp"}"#) }
    }

    @Test func emptyRequestsEncodeAnObject() throws {
        #expect(try encode(IoTIdentity.CreateKeysAndCertificateRequest()) == "{}")
        #expect(try decode(IoTIdentity.CreateKeysAndCertificateRequest.self, "{}") == .init())
    }

    @Test func modeledErrorsDecode() throws {
        let error = try decode(
            IoTJobs.ErrorResponse.self,
            #"{"code": "InvalidStateTransition", "message": "no", "timestamp": 1, "executionState": {"status": "SUCCEEDED", "versionNumber": 4}}"#
        )
        #expect(error.code == .invalidStateTransition)
        #expect(error.executionState?.status == .succeeded)
        let shadowError = try decode(
            IoTShadow.ErrorResponse.self, #"{"code": 404, "message": "No shadow exists with name: 'lamp'"}"#)
        #expect(shadowError.code == 404)
        #expect(shadowError.timestamp == nil)
    }

    @Test func missingRequiredMembersFailToDecode() {
        #expect(throws: DecodingError.self) { try decode(IoTShadow.DeleteShadowResponse.self, #"{"version": 3}"#) }
    }
}
