import ExampleServices
import ExampleSupport
import Foundation
import IoTShadow
import MQTT5
import MQTTServiceRuntime
import RequestResponse
import Synchronization
import Testing
import ArgumentParser

/// The README's "Quick start" snippet, verbatim, run against the embedded broker and the
/// in-memory shadow service; and a check that the README still shows this code.
@Suite struct QuickStartTests {
    final class Output: Sendable {
        let lines = Mutex<[String]>([])
    }

    /// What the snippet prints.
    let printed = Output()

    /// Shadows `Swift.print` so the snippet's output is checked, not written.
    func print(_ item: Any) {
        printed.lines.withLock { $0.append("\(item)") }
    }

    /// The README snippet from `try await withMQTTClient` on; keep the two in sync (checked below).
    func quickStart(configuration: MQTTClient.Configuration) async throws {
        try await withMQTTClient(configuration: configuration) { mqtt in
            let options = RequestResponseClient.Options(
                maxRequestResponseSubscriptions: 4, maxStreamingSubscriptions: 2, operationTimeout: .seconds(5))
            // Closed when the closure returns or throws: no `close()` to forget.
            try await withRequestResponseClient(mqtt, options: options) { requestResponse in
                let shadow = IoTShadow.Client(requestResponse)

                // The device follows its delta stream: what desired asks and reported lacks. The stream
                // unsubscribes when this scope ends.
                try await shadow.shadowDeltaUpdatedEvents(thingName: "my-thing").closing { deltas in
                    for await element in deltas {
                        switch element {
                        case .subscriptionStatus(let status) where status.type == .established:
                            // Subscribed: changes arrive from now on. Play the app and ask for one.
                            _ = try await shadow.updateShadow(
                                thingName: "my-thing", state: .init(desired: .value(["power": "on"])))
                        case .event(let delta):
                            // Apply delta.state to the hardware, then report it and clear desired.
                            _ = try await shadow.updateShadow(
                                thingName: "my-thing", state: .init(desired: .null, reported: .value(delta.state)))
                            return  // leaves the scope: the stream closes
                        default:
                            continue  // .lost (it resubscribes by itself), .halted, .decodingFailure
                        }
                    }
                }

                do throws(ServiceError<IoTShadow.ErrorResponse>) {
                    let document = try await shadow.getShadow(thingName: "my-thing")
                    print("version \(document.version), reported \(document.state.reported ?? [:])")
                } catch .rejected(let error) where error.code == 404 {
                    print("no shadow yet")
                } catch {
                    print("failed: \(error)")
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func snippetRunsAgainstTheInMemoryShadowService() async throws {
        let narrator = Narrator { _ in }
        try await withExampleBroker(try ConnectionOptions.parse([]), narrator: narrator) { broker in
            try await withInProcessService(on: broker, clientID: "shadow-service", narrator: narrator) {
                connection, responder in
                _ = try await InMemoryShadowService(events: .mqtt(connection)).register(on: responder)
            } _: { _ in
                let configuration = try MQTTClient.Configuration(url: broker.url, clientIdentifier: "my-thing")
                try await withTimeout(.seconds(20), "the quick start") {
                    try await quickStart(configuration: configuration)
                }
            }
        }
        #expect(printed.lines.withLock { $0 } == [#"version 2, reported {"power":"on"}"#])
    }

    @Test func readmeShowsThisCode() throws {
        let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appending(path: "README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(filePath: #filePath), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Quick start").dropFirst().first)
        let snippet = try #require(
            section.components(separatedBy: "```swift\n").dropFirst().first?.components(separatedBy: "```").first)
        let body = try #require(snippet.components(separatedBy: "try await withMQTTClient").dropFirst().first)
        let sourceLines = source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var searchFrom = sourceLines.startIndex
        for line in ("try await withMQTTClient" + body).split(separator: "\n").map({
            $0.trimmingCharacters(in: .whitespaces)
        }) where !line.isEmpty {
            guard let index = sourceLines[searchFrom...].firstIndex(of: line) else {
                Issue.record("README quick start line not in QuickStartTests.quickStart (in order): \(line)")
                return
            }
            searchFrom = index + 1
        }
    }
}
