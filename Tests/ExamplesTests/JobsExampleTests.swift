import ExampleSupport
@testable import JobsExample
import Testing
import ArgumentParser

/// `swift run JobsExample`, run in process.
@Suite struct JobsExampleTests {
    @Test(.timeLimit(.minutes(1)))
    func runsTheWholeLoopWithNothingInstalled() async throws {
        let recorder = LineRecorder()
        try await JobsExample.parse([]).run(narrator: recorder.narrator)

        let transcript = recorder.transcript
        #expect(recorder.contains("subscribed to $aws/things/example-sensor/jobs/notify"), "\(transcript)")
        #expect(recorder.contains("subscribed to $aws/things/example-sensor/jobs/notify-next"), "\(transcript)")
        #expect(recorder.contains("JobExecutionsChanged: QUEUED [firmware-update-1, log-upload-1]"), "\(transcript)")
        #expect(recorder.contains("NextJobExecutionChanged: firmware-update-1 QUEUED (version 1)"), "\(transcript)")
        #expect(recorder.contains("firmware-update-1 IN_PROGRESS (version 2)"), "\(transcript)")
        #expect(recorder.contains("accepted: IN_PROGRESS (version 3) progress=50%, step=installing"), "\(transcript)")
        #expect(recorder.contains("accepted: SUCCEEDED (version 4) step=done"), "\(transcript)")
        #expect(recorder.contains("NextJobExecutionChanged: log-upload-1 QUEUED"), "\(transcript)")
        #expect(recorder.contains("rejected with InvalidStateTransition"), "\(transcript)")
        #expect(recorder.narrator.steps == 8, "\(transcript)")
    }
}
