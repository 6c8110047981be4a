// ShadowExample: a device and its AWS IoT device shadow, over MQTT 5.
//
//     swift run ShadowExample                      # embedded broker + in-memory shadow service
//     swift run ShadowExample --url mqtts://<endpoint>:8883 --cafile AmazonRootCA1.pem \
//         --cert device.pem.crt --key private.pem.key --client-id my-thing --thing my-thing
//
// The device follows its shadow's delta stream, reports its state, receives the change an app
// asks for, applies it, and finally deletes the shadow. Read `walkthrough` first: that is what
// a device does with the generated `IoTShadow.Client`.
import ArgumentParser
import ExampleServices
import ExampleSupport
import IoTShadow
import MQTT5
import MQTTServiceRuntime
import RequestResponse

@main
struct ShadowExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ShadowExample",
        abstract: "Get, update and delete a device shadow, and follow its delta stream.",
        discussion: """
            Without --url the example starts an embedded MQTT broker and an in-memory shadow service in this \
            process, so it needs nothing installed. With --url it talks to that broker (AWS IoT Core: add \
            --cafile, --cert, --key and, on port 443, --alpn x-amzn-mqtt-ca).
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The thing whose classic shadow to use.")
    var thing = "example-lamp"

    func run() async throws {
        try await runExample("ShadowExample", deadline: connection.runDeadline) { narrator in
            try await run(narrator: narrator)
        }
    }

    /// The whole example: picks the broker, plays the service when there is no cloud, then the device.
    func run(narrator: Narrator) async throws {
        try await withExampleBroker(connection, narrator: narrator) { broker in
            guard broker.isEmbedded else {
                return try await runDevice(on: broker, narrator: narrator)
            }
            // No AWS here: this process also plays the shadow service, on a connection of its own.
            try await withInProcessService(on: broker, clientID: "shadow-service", narrator: narrator) {
                serviceConnection, responder in
                let service = InMemoryShadowService(events: .mqtt(serviceConnection))
                let registrations = try await service.register(on: responder)
                narrator.note(
                    "service",
                    "in-memory shadow service answering \(registrations.count) operations on $aws/things/+/shadow/...")
                return service
            } _: { _ in
                try await runDevice(on: broker, narrator: narrator)
            }
        }
    }

    /// Connects the device and gives the walkthrough a shadow client.
    func runDevice(on broker: ExampleBroker, narrator: Narrator) async throws {
        let clientID = connection.clientID ?? "shadow-example-\(randomSuffix())"
        try await withConnectedClient(to: broker, clientID: clientID, role: "device", narrator: narrator) { mqtt in
            // Up to 4 subscriptions for responses (get, update and delete each use accepted and
            // rejected topics), 2 for streams; every request gives up after 5 seconds.
            let options = RequestResponseClient.Options(
                maxRequestResponseSubscriptions: 4, maxStreamingSubscriptions: 2, operationTimeout: .seconds(5))
            try await withRequestResponseClient(mqtt, options: options) { requestResponse in
                try await walkthrough(IoTShadow.Client(requestResponse), narrator: narrator)
            }
        }
    }

    /// What a device does with its shadow.
    func walkthrough(_ shadow: IoTShadow.Client, narrator: Narrator) async throws {
        narrator.step("Subscribe to the delta stream of '\(thing)'")
        let deltas = try shadow.shadowDeltaUpdatedEvents(thingName: thing)
        defer { deltas.close() }
        try await deltas.waitUntilEstablished(within: .seconds(5))
        narrator.result("subscribed to \(deltas.topicFilter)")

        narrator.step("Get the shadow")
        do throws(ServiceError<IoTShadow.ErrorResponse>) {
            let document = try await shadow.getShadow(thingName: thing)
            narrator.result("version \(document.version): \(describe(document.state))")
        } catch .rejected(let error) where error.code == 404 {
            narrator.result("rejected with 404 (\(error.message)): the thing has no shadow yet")
        } catch {
            throw error
        }

        narrator.step("The device reports its state")
        let reported = try await shadow.updateShadow(
            thingName: thing, state: IoTShadow.ShadowState(reported: .value(["power": "off", "brightness": 0])))
        narrator.result("accepted, version \(reported.version): reported \(reported.state.reported.value ?? [:])")

        narrator.step("An app asks for a change: desired power on, brightness 80")
        let desired = try await shadow.updateShadow(
            thingName: thing, state: IoTShadow.ShadowState(desired: .value(["power": "on", "brightness": 80])))
        narrator.result("accepted, version \(desired.version)")

        narrator.step("The device receives the delta")
        let delta = try await deltas.firstEvent(within: .seconds(5), "the delta of version \(desired.version)") {
            delta in
            delta.version >= desired.version
        }
        narrator.result("delta \(delta.state) (version \(delta.version)): what desired asks and reported lacks")

        narrator.step("An update based on an old version is rejected")
        do {
            let stale = try await shadow.updateShadow(
                thingName: thing, state: IoTShadow.ShadowState(reported: .value(["power": "off"])),
                version: reported.version)
            throw ExampleError("an update based on version \(reported.version) was accepted (version \(stale.version))")
        } catch let error as ServiceError<IoTShadow.ErrorResponse> where error.modeledError?.code == 409 {
            narrator.result(
                "rejected with 409 (\(error.modeledError?.message ?? "")): version \(reported.version) is no longer current"
            )
        }

        narrator.step("The device applies the delta, reports it and clears desired")
        let applied = try await shadow.updateShadow(
            thingName: thing, state: IoTShadow.ShadowState(desired: .null, reported: .value(delta.state)))
        narrator.result("accepted, version \(applied.version): reported \(delta.state), desired null")

        narrator.step("Get the shadow again")
        let document = try await shadow.getShadow(thingName: thing)
        narrator.result("version \(document.version): \(describe(document.state))")
        guard document.state.reported?["power"] == "on", document.state.reported?["brightness"] == 80,
            document.state.delta == nil
        else {
            throw ExampleError("the shadow does not show the applied change: \(describe(document.state))")
        }

        narrator.step("Delete the shadow")
        let deleted = try await shadow.deleteShadow(thingName: thing)
        narrator.result("deleted at version \(deleted.version)")

        narrator.step("Get the deleted shadow")
        do {
            let document = try await shadow.getShadow(thingName: thing)
            throw ExampleError("the deleted shadow is still there at version \(document.version)")
        } catch let error as ServiceError<IoTShadow.ErrorResponse> where error.modeledError?.code == 404 {
            narrator.result("rejected with 404: gone")
        }
    }

    /// `desired {...}, reported {...}, delta {...}`, leaving out absent sections.
    func describe(_ state: IoTShadow.ShadowStateWithDelta) -> String {
        let sections = [("desired", state.desired), ("reported", state.reported), ("delta", state.delta)]
            .compactMap { name, value in value.map { "\(name) \($0)" } }
        return sections.isEmpty ? "empty" : sections.joined(separator: ", ")
    }
}
