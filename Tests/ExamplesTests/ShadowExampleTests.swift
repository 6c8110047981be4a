import ExampleSupport
@testable import ShadowExample
import Testing
import ArgumentParser

/// `swift run ShadowExample`, the README's main command, run in process.
@Suite struct ShadowExampleTests {
    @Test(.timeLimit(.minutes(1)))
    func runsTheWholeLoopWithNothingInstalled() async throws {
        let recorder = LineRecorder()
        let command = try ShadowExample.parse([])
        try await command.run(narrator: recorder.narrator)

        let transcript = recorder.transcript
        #expect(recorder.contains("embedded MQTTTestBroker"), "\(transcript)")
        #expect(recorder.contains("answering 6 operations"), "\(transcript)")
        #expect(recorder.contains("subscribed to $aws/things/example-lamp/shadow/update/delta"), "\(transcript)")
        #expect(recorder.contains("rejected with 404 (No shadow exists with name: 'example-lamp')"), "\(transcript)")
        #expect(recorder.contains(#"delta {"brightness":80,"power":"on"} (version 2)"#), "\(transcript)")
        #expect(recorder.contains("rejected with 409"), "\(transcript)")
        #expect(recorder.contains(#"version 3: reported {"brightness":80,"power":"on"}"#), "\(transcript)")
        #expect(recorder.contains("deleted at version 3"), "\(transcript)")
        #expect(recorder.contains("rejected with 404: gone"), "\(transcript)")
        #expect(recorder.narrator.steps == 10, "\(transcript)")
    }

    @Test func tlsFlagsNeedAURLAndComeInPairs() {
        #expect(throws: (any Error).self) { try ShadowExample.parse(["--cert", "device.pem"]) }
        #expect(throws: (any Error).self) {
            try ShadowExample.parse(["--url", "mqtts://example.com", "--cert", "device.pem"])
        }
        #expect(throws: Never.self) {
            try ShadowExample.parse([
                "--url", "mqtts://example.com:443", "--cert", "device.pem", "--key", "device.key", "--alpn",
                "x-amzn-mqtt-ca",
            ])
        }
    }
}
