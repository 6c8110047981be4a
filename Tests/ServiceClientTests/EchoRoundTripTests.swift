import Foundation
import MQTTServiceRuntime
import RequestResponse
import Testing
import MQTT5

/// The `Echo` service is generated at build time by RRGenPlugin from `Echo.rrgen.json`: it
/// covers MQTT 5 correlation data, an integer placeholder, blobs and a wildcard stream.
@Suite struct EchoRoundTripTests {
    let broker = InProcessBroker()

    struct EchoService: Echo.ServiceProtocol {
        func echo(_ request: Echo.EchoRequest) async throws(Echo.EchoError) -> Echo.EchoResponse {
            if request.text == "fail" { throw Echo.EchoError(reason: "asked to fail in \(request.room)") }
            return Echo.EchoResponse(
                text: request.text, room: request.room, seq: request.seq, attachment: request.attachment,
                at: Date(timeIntervalSince1970: 1_700_000_000))
        }
    }

    @Test func correlationDataRoundTrip() async throws {
        try await withClientAndResponder(broker) { client, responder in
            _ = try await EchoService().register(on: responder)
            let echo = Echo.Client(client)
            let response = try await echo.echo(room: "lobby", seq: 7, text: "hello", attachment: Data([1, 2, 3]))
            #expect(
                response
                    == Echo.EchoResponse(
                        text: "hello", room: "lobby", seq: 7, attachment: Data([1, 2, 3]),
                        at: Date(timeIntervalSince1970: 1_700_000_000)))

            do throws(ServiceError<Echo.EchoError>) {
                _ = try await echo.echo(room: "lobby", seq: 8, text: "fail")
                Issue.record("expected a rejection")
            } catch .rejected(let error) {
                #expect(error.reason == "asked to fail in lobby")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        let request = try #require(broker.published.first { $0.topic == "echo/lobby/7" })
        #expect(request.properties.responseTopic != nil)
        #expect(request.properties.correlationData != nil)
        #expect(request.text == #"{"attachment":"AQID","text":"hello"}"#)
        let failure = try #require(broker.published.first { $0.text.contains("asked to fail") })
        #expect(failure.properties.userProperties == [ServiceResponseRoute.errorUserProperty])
    }

    @Test func wildcardStreamWithoutParameters() async throws {
        try await withClientAndResponder(broker) { client, _ in
            let collector = StreamCollector(try Echo.Client(client).ticksEvents())
            _ = await collector.next()  // established
            try await publishFromOutside(broker, topic: "ticks/a/b", payload: #"{"at": 1700000009}"#)
            #expect(await collector.next()?.event?.at == Date(timeIntervalSince1970: 1_700_000_009))
            await collector.close()
        }
    }
}
