import ExampleServices
import Foundation
import IoTShadow
import MQTTServiceRuntime
import RequestResponse
import Testing

/// The generated shadow client against the generated service glue, over the request-response
/// layer and an in-process broker.
@Suite struct ShadowRoundTripTests {
    let broker = InProcessBroker()

    func withShadow<Result: Sendable>(
        _ body: (IoTShadow.Client) async throws -> Result
    ) async throws -> Result {
        try await withClientAndResponder(broker) { client, responder in
            let service = InMemoryShadowService(clock: { Date(timeIntervalSince1970: 1_700_000_000) })
            let registrations = try await service.register(on: responder)
            #expect(registrations.count == 6)
            return try await body(IoTShadow.Client(client))
        }
    }

    @Test func getUpdateGetDelete() async throws {
        try await withShadow { shadow in
            do throws(ServiceError<IoTShadow.ErrorResponse>) {
                _ = try await shadow.getShadow(thingName: "lamp")
                Issue.record("a missing shadow must be rejected")
            } catch .rejected(let error) {
                #expect(error.code == 404)
                #expect(
                    error.clientToken.flatMap(UUID.init(uuidString:)) != nil,
                    "the service echoes the client's UUID token")
            } catch {
                Issue.record("unexpected \(error)")
            }

            let updated = try await shadow.updateShadow(
                thingName: "lamp", state: .init(desired: .value(["color": "red"]), reported: .value(["color": "blue"])))
            #expect(updated.version == 1)
            #expect(updated.clientToken != nil)
            #expect(updated.timestamp == Date(timeIntervalSince1970: 1_700_000_000))

            let document = try await shadow.getShadow(thingName: "lamp")
            #expect(document.state.desired == ["color": "red"])
            #expect(document.state.reported == ["color": "blue"])

            _ = try await shadow.updateShadow(thingName: "lamp", state: .init(desired: .null))
            #expect(try await shadow.getShadow(thingName: "lamp").state.desired == nil)

            let deleted = try await shadow.deleteShadow(thingName: "lamp")
            #expect(deleted.version == 2)
        }
    }

    /// The client reuses an operation's rendered topics while the thing repeats: alternating
    /// things, and repeating one, must still reach each thing's own shadow.
    @Test func alternatingThingsReachTheirOwnShadows() async throws {
        try await withShadow { shadow in
            let things = ["lamp", "lamp", "fan", "lamp", "heater-with-a-long-name", "fan", "fan"]
            for (index, thing) in things.enumerated() {
                _ = try await shadow.updateShadow(
                    thingName: thing, state: .init(reported: .value(["step": .number(Double(index))])))
            }
            for thing in Set(things) {
                let last = things.lastIndex(of: thing)!
                let document = try await shadow.getShadow(thingName: thing)
                #expect(document.state.reported == ["step": .number(Double(last))], "\(thing)")
                #expect(document.version == things.count { $0 == thing }, "\(thing)")
            }
        }
    }

    @Test func versionConflictIsTheModeledError() async throws {
        try await withShadow { shadow in
            _ = try await shadow.updateShadow(thingName: "lamp", state: .init(reported: .value(["on": true])))
            do throws(ServiceError<IoTShadow.ErrorResponse>) {
                _ = try await shadow.updateShadow(
                    thingName: "lamp", state: .init(reported: .value(["on": false])), version: 7)
                Issue.record("expected a version conflict")
            } catch {
                #expect(error.modeledError?.code == 409)
            }
        }
    }

    @Test func namedShadowsAreSeparateDocuments() async throws {
        try await withShadow { shadow in
            _ = try await shadow.updateNamedShadow(
                thingName: "lamp", shadowName: "config", state: .init(desired: .value(["mode": "eco"])))
            #expect(
                try await shadow.getNamedShadow(thingName: "lamp", shadowName: "config").state.desired == [
                    "mode": "eco"
                ])
            await #expect(throws: ServiceError<IoTShadow.ErrorResponse>.self) {
                try await shadow.getShadow(thingName: "lamp")
            }
        }
        let topics = broker.published.map(\.topic)
        #expect(topics.contains("$aws/things/lamp/shadow/name/config/update"))
        #expect(topics.contains("$aws/things/lamp/shadow/name/config/get/accepted"))
    }

    @Test func wireCarriesATokenAndNoTopicMembers() async throws {
        try await withShadow { shadow in
            _ = try await shadow.updateShadow(thingName: "lamp", state: .init(desired: .value(["color": "red"])))
        }
        let request = try #require(broker.published.first { $0.topic == "$aws/things/lamp/shadow/update" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.text.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["clientToken", "state"])
        let token = try #require(json["clientToken"] as? String)
        #expect(UUID(uuidString: token) != nil)
        let accepted = try #require(broker.published.first { $0.topic == "$aws/things/lamp/shadow/update/accepted" })
        #expect(accepted.text.contains(#""clientToken":"\#(token)""#))
    }

    @Test func everyCallGetsAFreshToken() async throws {
        try await withShadow { shadow in
            _ = try await shadow.updateShadow(thingName: "lamp", state: .init(desired: .value(["n": 0])))
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await shadow.getShadow(thingName: "lamp").version }
                }
                for try await version in group { #expect(version == 1) }
            }
        }
        let tokens = broker.published.filter { $0.topic == "$aws/things/lamp/shadow/get" }.map(\.text)
        #expect(tokens.count == 10)
        #expect(Set(tokens).count == 10)
    }

    @Test func placeholderValuesThatWouldChangeTheTopicAreRejectedBeforeSending() async throws {
        try await withShadow { shadow in
            for name in ["a/b", "+", "#", ""] {
                do throws(ServiceError<IoTShadow.ErrorResponse>) {
                    _ = try await shadow.getShadow(thingName: name)
                    Issue.record("'\(name)' must be rejected")
                } catch .invalidRequest(let error) {
                    #expect(error.operation == "GetShadow")
                    #expect(error.placeholderError?.placeholder == "thingName")
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
        #expect(!broker.published.contains { $0.topic.hasSuffix("/shadow/get") })
    }

    @Test func transportFailuresAreTransportErrors() async throws {
        try await withClientAndResponder(broker, operationTimeout: .milliseconds(300)) { client, _ in
            let shadow = IoTShadow.Client(client)
            do throws(ServiceError<IoTShadow.ErrorResponse>) {
                _ = try await shadow.getShadow(thingName: "nobody-serves-this")
                Issue.record("expected a timeout")
            } catch .transport(let error) {
                #expect(error.code == .timeout)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func deltaStreamYieldsStatusEventsAndDecodingFailures() async throws {
        try await withClientAndResponder(broker) { client, _ in
            let shadow = IoTShadow.Client(client)
            let collector = StreamCollector(try shadow.shadowDeltaUpdatedEvents(thingName: "lamp"))
            guard case .subscriptionStatus(let status)? = await collector.next() else {
                Issue.record("expected the subscription to be established first")
                return
            }
            #expect(status.type == .established)

            try await publishFromOutside(
                broker, topic: "$aws/things/lamp/shadow/update/delta",
                payload: #"{"state": {"color": "green"}, "metadata": {}, "timestamp": 1700000005, "version": 9}"#)
            let delta = await collector.next()?.event
            #expect(delta?.state == ["color": "green"])
            #expect(delta?.clientToken == nil)
            #expect(delta?.timestamp == Date(timeIntervalSince1970: 1_700_000_005))

            try await publishFromOutside(
                broker, topic: "$aws/things/lamp/shadow/update/delta", payload: #"{"state": 1}"#)
            guard case .decodingFailure(let failure)? = await collector.next() else {
                Issue.record("an undecodable delta must be surfaced")
                return
            }
            #expect(failure.operation == "ShadowDeltaUpdated")
            #expect(failure.topic == "$aws/things/lamp/shadow/update/delta")
            #expect(failure.payloadPreview == #"{"state": 1}"#)

            // Other things' deltas and the update responses do not reach this stream.
            try await publishFromOutside(broker, topic: "$aws/things/other/shadow/update/delta", payload: "{}")
            await collector.close()
        }
    }
}
