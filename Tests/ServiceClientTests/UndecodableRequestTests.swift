import ExampleServices
import Foundation
import IoTShadow
import MQTT5
import MQTTServiceRuntime
import NIOCore
import RequestResponse
import Testing

/// A request whose payload does not decode is answered with an error at once, so the caller does
/// not wait for its timeout.
@Suite struct UndecodableRequestTests {
    let broker = InProcessBroker()

    @Test("token correlation: the operation's modeled error, with the request's token, on its error topic")
    func modeledErrorWithToken() async throws {
        try await withClientAndResponder(broker, operationTimeout: .seconds(20)) { client, responder in
            _ = try await InMemoryShadowService().register(on: responder)
            // UpdateShadowRequest requires `state`: this one has none.
            let base = "$aws/things/lamp/shadow/update"
            let start = ContinuousClock.now
            let response = try await client.request(
                .init(
                    subscriptionTopicFilters: [base + "/accepted", base + "/rejected"],
                    responsePaths: [
                        .init(topic: base + "/accepted", correlationTokenJSONPath: "clientToken"),
                        .init(topic: base + "/rejected", correlationTokenJSONPath: "clientToken"),
                    ],
                    publishTopic: base, payload: ByteBuffer(string: #"{"clientToken":"tok-1"}"#),
                    correlationToken: "tok-1"))
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(response.topic == base + "/rejected")
            let error = try ServiceCoding.decode(IoTShadow.ErrorResponse.self, from: response.payload)
            #expect(error.code == 400)
            #expect(error.clientToken == "tok-1")
            #expect(error.message.contains("does not decode"))
        }
    }

    @Test("correlation data: an error response on the response topic, marked as an error")
    func correlationDataGenericError() async throws {
        try await withClientAndResponder(broker, operationTimeout: .seconds(20)) { client, responder in
            _ = try await EchoRoundTripTests.EchoService().register(on: responder)
            let start = ContinuousClock.now
            let response = try await client.request(
                .correlationData(publishTopic: "echo/lobby/1", payload: ByteBuffer(string: #"{"text":5}"#)))
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(response.properties?.userProperties.contains(ServiceResponseRoute.errorUserProperty) == true)
            // EchoError has a required `reason`, so the generic document is sent as is.
            let document = try ServiceCoding.decode(ServiceJSONValue.self, from: response.payload)
            #expect(document["code"] == .number(400))
        }
    }
}
