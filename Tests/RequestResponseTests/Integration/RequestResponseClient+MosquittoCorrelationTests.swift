import MQTT5
import NIOCore
import RequestResponse
import Testing

extension RRSuite.Mosquitto {
    @Suite("RequestResponseClient correlation over mosquitto")
    struct CorrelationTests {
        @Test("accepted and rejected paths complete with their topic, payload and MQTT 5 properties")
        func acceptedAndRejected() async throws {
            try await withMosquitto { rig in
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                let client = try RequestResponseClient(transport: try await rig.transport("client"), options: .test())
                let accepted = try await client.request(service.request("lamp", token: "a1"))
                #expect(accepted.topic == service.topic("lamp") + "/accepted")
                #expect(String(buffer: accepted.payload).contains(#""clientToken":"a1""#))
                let properties = try #require(accepted.properties)
                #expect(properties.contentType == "application/json")
                #expect(properties.userProperties == [MQTTUserProperty(name: "thing", value: "lamp")])
                #expect(properties.messageExpiryInterval.map { (1...60).contains($0) } == true)
                let rejected = try await client.request(service.request("reject-lamp", token: "r1"))
                #expect(rejected.topic == service.topic("reject-lamp") + "/rejected")
                #expect(String(buffer: rejected.payload).contains(#""code":404"#))
                await client.close()
                await service.close()
            }
        }

        @Test(
            "wrong, missing, non-string tokens and non-JSON payloads are ignored; the right token completes; only wrong ones time out"
        )
        func noiseIsIgnored() async throws {
            try await withMosquitto { rig in
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                { arrival in
                    let token = arrival.token ?? ""
                    let noise = [
                        ThingResponder.Reply(suffix: "accepted", payload: #"{"clientToken":"someone-else"}"#),
                        ThingResponder.Reply(suffix: "accepted", payload: #"{"state":{}}"#),
                        ThingResponder.Reply(suffix: "rejected", payload: #"{"clientToken":42}"#),
                        ThingResponder.Reply(suffix: "accepted", payload: "not json"),
                    ]
                    if arrival.thing == "wrong" { return noise }
                    return noise + [
                        ThingResponder.Reply(suffix: "accepted", payload: #"{"clientToken":"\#(token)","ok":true}"#)
                    ]
                }
                let client = try RequestResponseClient(transport: try await rig.transport("client"), options: .test())
                let response = try await client.request(service.request("noisy", token: "mine"))
                #expect(String(buffer: response.payload) == #"{"clientToken":"mine","ok":true}"#)
                do {
                    _ = try await client.request(
                        service.request("wrong", token: "mine-too"), timeout: .milliseconds(300))
                    Issue.record("only wrong responses: must time out")
                } catch {
                    #expect(error.rrCode == .timeout)
                }
                let statistics = await client.statistics
                #expect(statistics.requestsCompleted == 1)
                #expect(statistics.responsesUnmatched == 2)
                #expect(statistics.responsesWithoutToken == 4)
                #expect(statistics.responsesNotJSON == 2)
                #expect(statistics.responsesIgnored == 8)
                await client.close()
                await service.close()
            }
        }

        @Test("duplicate tokens in flight run one after the other and both complete")
        func duplicateTokens() async throws {
            try await withMosquitto { rig in
                let gate = Gate()
                defer { gate.open() }
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                { _ in
                    await gate.wait()
                    return nil
                }
                let client = try RequestResponseClient(
                    transport: try await rig.transport("client"), options: .test(timeout: .seconds(5)))
                let first = Task { try await client.request(service.request("lamp", token: "same")) }
                try await waitUntil("first at the service") { service.arrivals.count == 1 }
                let second = Task { try await client.request(service.request("other", token: "same")) }
                try await waitUntil("second queued behind the first") { await client.statistics.queueLength == 1 }
                try await Task.sleep(for: .milliseconds(50))
                #expect(service.arrivals.count == 1)
                #expect(await client.statistics.publishesSent == 1)
                gate.open()
                #expect(try await withTimeout { try await first.value.topic } == service.topic("lamp") + "/accepted")
                #expect(try await withTimeout { try await second.value.topic } == service.topic("other") + "/accepted")
                #expect(service.arrivals.map(\.thing) == ["lamp", "other"])
                await client.close()
                await service.close()
            }
        }

        @Test("token-less requests are serialised client-wide, across things")
        func tokenLess() async throws {
            try await withMosquitto { rig in
                let gate = Gate()
                defer { gate.open() }
                let service = try await ThingResponder.start(on: try await rig.transport("service"), prefix: rig.prefix)
                { arrival in
                    if arrival.thing == "first" { await gate.wait() }
                    return nil
                }
                let client = try RequestResponseClient(
                    transport: try await rig.transport("client"), options: .test(timeout: .seconds(5)))
                let first = Task { try await client.request(service.request("first", token: nil)) }
                try await waitUntil("first at the service") { service.arrivals.count == 1 }
                let second = Task { try await client.request(service.request("second", token: nil)) }
                try await waitUntil("second queued") { await client.statistics.queueLength == 1 }
                try await Task.sleep(for: .milliseconds(50))
                #expect(service.arrivals.count == 1)
                gate.open()
                let firstResponse = try await withTimeout { try await first.value }
                #expect(firstResponse.topic == service.topic("first") + "/accepted")
                #expect(String(buffer: firstResponse.payload) == #"{"state":{}}"#)
                #expect(try await withTimeout { try await second.value.topic } == service.topic("second") + "/accepted")
                #expect(service.arrivals.map(\.thing) == ["first", "second"])
                #expect(service.arrivals.allSatisfy { $0.token == nil })
                await client.close()
                await service.close()
            }
        }

        @Test("MQTT 3.1.1: correlation-data requests are refused as invalid; token requests work")
        func correlationDataNeedsMQTT5() async throws {
            try await withMosquitto { rig in
                let service = try await ThingResponder.start(
                    on: try await rig.transport("service", version: .v3_1_1), prefix: rig.prefix)
                let client = try RequestResponseClient(
                    transport: try await rig.transport("client", version: .v3_1_1), options: .test())
                do {
                    _ = try await client.request(
                        .correlationData(publishTopic: "\(rig.prefix)/rpc/echo", payload: ByteBuffer(string: "x")))
                    Issue.record("correlation data needs MQTT 5")
                } catch {
                    #expect(error.rrCode == .invalidArgument)
                }
                let response = try await client.request(service.request("lamp", token: "311"))
                #expect(response.topic == service.topic("lamp") + "/accepted")
                #expect(response.properties == nil)
                await client.close()
                await service.close()
            }
        }
    }

    /// The transport-agnostic scenarios (a ``RequestResponder`` as the service) between two
    /// `MQTTClient`s on mosquitto.
    @Suite("Scenarios over mosquitto")
    struct ScenarioTests {
        @Test("concurrent requests over several things", arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
        func concurrentRequests(version: MQTTProtocolVersion) async throws {
            try await withMosquitto { rig in try await rig.scenarios(version: version).concurrentRequests() }
        }

        @Test("warm reuse: one SUBSCRIBE for sequential requests", arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
        func warmReuse(version: MQTTProtocolVersion) async throws {
            try await withMosquitto { rig in try await rig.scenarios(version: version).warmReuse() }
        }

        @Test("budget 2, three things", arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
        func budgetTwoThreeThings(version: MQTTProtocolVersion) async throws {
            try await withMosquitto { rig in try await rig.scenarios(version: version).budgetTwoThreeThings() }
        }

        @Test("MQTT 5 correlation data (response topic + correlation data)")
        func correlationData() async throws {
            try await withMosquitto { rig in try await rig.scenarios().correlationData() }
        }

        @Test("streaming", arguments: [MQTTProtocolVersion.v5_0, .v3_1_1])
        func streaming(version: MQTTProtocolVersion) async throws {
            try await withMosquitto { rig in try await rig.scenarios(version: version).streaming() }
        }
    }
}
