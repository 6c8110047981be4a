import ExampleServices
import Foundation
import IoTShadow
import MQTT5Testing
import MQTTServiceRuntime
import RequestResponse
import Testing

/// A client generated from an AsyncAPI document (`AsyncAPIShadow.asyncapi.yaml`, the shipped
/// `Schemas/asyncapi/shadow.asyncapi.yaml` under the namespace `AsyncAPIShadow`, built by the
/// RRGenPlugin) talks over mosquitto to the shadow service generated from the native schema
/// (``InMemoryShadowService`` on `IoTShadow.ServiceProtocol`).
@Suite(
    "AsyncAPI client against the native service over mosquitto", .enabled(if: MosquittoBroker.isAvailable),
    .timeLimit(.minutes(1)))
struct AsyncAPIClientTests {
    @Test("get rejected, update accepted, get, explicit null, version conflict, delete, documents stream")
    func asyncAPIClientTalksToNativeService() async throws {
        try await withMosquittoFactory { factory in
            let events = ServiceEventPublisher.mqtt(try await factory.makeClient())
            try await withClientAndResponder(factory) { client, responder in
                #expect(try await InMemoryShadowService(events: events).register(on: responder).count == 6)
                let shadow = AsyncAPIShadow.Client(client)
                do throws(ServiceError<AsyncAPIShadow.ErrorResponse>) {
                    _ = try await shadow.getShadow(thingName: "lamp")
                    Issue.record("a missing shadow must be rejected")
                } catch .rejected(let error) {
                    #expect(error.code == 404)
                } catch {
                    Issue.record("unexpected \(error)")
                }

                let documents = StreamCollector(try shadow.shadowUpdatedEvents(thingName: "lamp"))
                guard case .subscriptionStatus(let status)? = await documents.next() else {
                    Issue.record("expected the documents subscription to be established first")
                    return
                }
                #expect(status.type == .established)

                let updated = try await shadow.updateShadow(
                    AsyncAPIShadow.UpdateShadowRequest(
                        thingName: "lamp", clientToken: "token-1",
                        state: .init(desired: .value(["color": "red"]), reported: .value(["color": "blue"]))))
                #expect(updated.version == 1)
                #expect(updated.clientToken == "token-1")

                let event = await documents.next()?.event
                #expect(event?.current?.version == 1)
                #expect(event?.clientToken == "token-1")

                let document = try await shadow.getShadow(thingName: "lamp")
                #expect(document.state.desired == ["color": "red"])
                _ = try await shadow.updateShadow(thingName: "lamp", state: .init(desired: .null))
                #expect(try await shadow.getShadow(thingName: "lamp").state.desired == nil)

                do throws(ServiceError<AsyncAPIShadow.ErrorResponse>) {
                    _ = try await shadow.updateShadow(
                        thingName: "lamp", state: .init(reported: .value(["on": false])), version: 7)
                    Issue.record("expected a version conflict")
                } catch {
                    #expect(error.modeledError?.code == 409)
                }
                #expect(try await shadow.deleteShadow(thingName: "lamp").version == 2)
                await documents.close()
            }
        }
    }
}
