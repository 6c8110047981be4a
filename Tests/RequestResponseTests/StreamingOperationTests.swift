import MQTT5
import NIOCore
import RequestResponse
import Synchronization
import Testing

/// Reads events from a stream with a bound on each wait.
struct EventReader {
    var iterator: StreamingOperation.Iterator

    init(_ stream: StreamingOperation) { iterator = stream.makeAsyncIterator() }

    mutating func next(timeout: Duration = .seconds(3)) async throws -> StreamingOperationEvent? {
        // The iterator's state lives in the stream's buffer, so a copy reads the same events.
        let iterator = self.iterator
        let result = try await withTimeout(timeout) { () -> Box in
            var copy = iterator
            return Box(event: await copy.next())
        }
        return result.event
    }

    mutating func status(
        timeout: Duration = .seconds(3), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> SubscriptionStatusEvent? {
        guard case .subscriptionStatus(let status) = try await next(timeout: timeout) else {
            Issue.record("expected a status event", sourceLocation: sourceLocation)
            return nil
        }
        return status
    }

    mutating func publish(
        timeout: Duration = .seconds(3), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> RequestResponsePublish? {
        guard case .publish(let publish) = try await next(timeout: timeout) else {
            Issue.record("expected a publish", sourceLocation: sourceLocation)
            return nil
        }
        return publish
    }

    struct Box: Sendable { var event: StreamingOperationEvent? }
}

extension RRSuite {
    @Suite("StreamingOperation")
    struct StreamingOperationTests {
        @Test("established, then every matching publish; streams on one filter share one subscription")
        func establishedAndPublishes() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let first = try client.streamingOperation(.init(topicFilter: "things/+/delta"))
            let second = try client.streamingOperation(.init(topicFilter: "things/+/delta"))
            let exact = try client.streamingOperation(.init(topicFilter: "things/a/delta"))
            try first.open()
            var firstReader = EventReader(first)
            #expect(try await firstReader.status()?.type == .established)
            try second.open()
            try exact.open()
            var secondReader = EventReader(second)
            var exactReader = EventReader(exact)
            #expect(try await secondReader.status()?.type == .established)  // joined at once
            #expect(try await exactReader.status()?.type == .established)
            #expect(transport.subscribes == ["things/+/delta", "things/a/delta"])
            transport.inject(RequestResponsePublish(topic: "things/a/delta", payload: ByteBuffer(string: "1")))
            transport.inject(RequestResponsePublish(topic: "things/b/delta", payload: ByteBuffer(string: "2")))
            #expect(try await firstReader.publish()?.topic == "things/a/delta")
            #expect(try await firstReader.publish()?.topic == "things/b/delta")
            #expect(try await secondReader.publish()?.topic == "things/a/delta")
            #expect(try await secondReader.publish()?.topic == "things/b/delta")
            #expect(try await exactReader.publish()?.topic == "things/a/delta")
            first.close()
            try await Task.sleep(for: .milliseconds(20))
            #expect(transport.unsubscribes.isEmpty)  // still used by the second stream
            second.close()
            exact.close()
            try await waitUntil("unsubscribed") { Set(transport.unsubscribes) == ["things/+/delta", "things/a/delta"] }
            #expect(await client.statistics.streamingSubscriptions == 0)
            await client.close()
        }

        @Test("opening twice, opening after close and an invalid filter are errors")
        func openErrors() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let stream = try client.streamingOperation(.init(topicFilter: "a/b"))
            try stream.open()
            #expect(throws: RequestResponseError.self) { try stream.open() }
            stream.close()
            #expect(throws: RequestResponseError.self) { try stream.open() }
            let closedFirst = try client.streamingOperation(.init(topicFilter: "a/c"))
            closedFirst.close()
            do {
                try closedFirst.open()
            } catch {
                #expect(error.code == .invalidArgument)
            }
            do {
                _ = try client.streamingOperation(.init(topicFilter: "a/#/b"))
                Issue.record("invalid filter accepted")
            } catch {
                #expect(error.code == .invalidArgument)
            }
            await client.close()
        }

        @Test(
            "streaming budget 1: a second stream on another filter is HALTED with noSubscriptionCapacity; a third succeeds after both closed"
        )
        func streamingBudget() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(streaming: 1))
            let first = try client.streamingOperation(.init(topicFilter: "s/1"))
            try first.open()
            var firstReader = EventReader(first)
            #expect(try await firstReader.status()?.type == .established)
            let second = try client.streamingOperation(.init(topicFilter: "s/2"))
            try second.open()
            var secondReader = EventReader(second)
            let halted = try await secondReader.status()
            #expect(halted?.type == .halted)
            #expect(halted?.error?.code == .noSubscriptionCapacity)
            #expect(try await secondReader.next() == nil)
            first.close()
            second.close()
            let third = try client.streamingOperation(.init(topicFilter: "s/3"))
            try third.open()
            var thirdReader = EventReader(third)
            #expect(try await thirdReader.status()?.type == .established)
            #expect(transport.subscribes == ["s/1", "s/3"])
            third.close()
            await client.close()
        }

        @Test("budget 0: every stream is HALTED with noSubscriptionCapacity")
        func streamingBudgetZero() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test(streaming: 0))
            let stream = try client.streamingOperation(.init(topicFilter: "z"))
            try stream.open()
            var reader = EventReader(stream)
            #expect(try await reader.status()?.error?.code == .noSubscriptionCapacity)
            await client.close()
        }

        @Test("a stream waits (not halted) while an UNSUBSCRIBE in flight will free a slot")
        func streamingBlockedOnUnsubscribe() async throws {
            let transport = TestTransport()
            transport.onUnsubscribe { _ in .manual }
            let client = try RequestResponseClient(transport: transport, options: .test(streaming: 1))
            let first = try client.streamingOperation(.init(topicFilter: "b/1"))
            try first.open()
            var firstReader = EventReader(first)
            #expect(try await firstReader.status()?.type == .established)
            first.close()
            try await waitUntil("UNSUBSCRIBE sent") { transport.unsubscribes == ["b/1"] }
            let second = try client.streamingOperation(.init(topicFilter: "b/2"))
            try second.open()
            try await Task.sleep(for: .milliseconds(20))
            #expect(transport.subscribes == ["b/1"])
            transport.completePendingUnsubscribes(with: .success)
            var secondReader = EventReader(second)
            #expect(try await secondReader.status()?.type == .established)
            second.close()
            await client.close()
        }

        @Test("reconnect without session: LOST (with an error), then ESTABLISHED after resubscribing")
        func lostThenEstablished() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let stream = try client.streamingOperation(.init(topicFilter: "l/#"))
            try stream.open()
            var reader = EventReader(stream)
            #expect(try await reader.status()?.type == .established)
            transport.disconnect()
            try await Task.sleep(for: .milliseconds(20))  // no event on the disconnect itself
            transport.connect(sessionPresent: false)
            let lost = try await reader.status()
            #expect(lost?.type == .lost)
            #expect(lost?.error?.code == .sessionLost)
            #expect(lost?.error?.message.contains("l/#") == true)
            #expect(try await reader.status()?.type == .established)
            #expect(transport.subscribes == ["l/#", "l/#"])
            transport.inject(RequestResponsePublish(topic: "l/x", payload: ByteBuffer(string: "after")))
            #expect(try await reader.publish()?.topic == "l/x")
            stream.close()
            await client.close()
        }

        @Test("reconnect with the session resumed: no LOST, no resubscribe")
        func noLostWithSession() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let stream = try client.streamingOperation(.init(topicFilter: "k/#"))
            try stream.open()
            var reader = EventReader(stream)
            #expect(try await reader.status()?.type == .established)
            transport.disconnect()
            transport.connect(sessionPresent: true)
            transport.inject(RequestResponsePublish(topic: "k/1", payload: ByteBuffer(string: "x")))
            // The first event after the reconnect is the publish, not a status change.
            #expect(try await reader.publish()?.topic == "k/1")
            #expect(transport.subscribes == ["k/#"])
            stream.close()
            await client.close()
        }

        @Test(
            "SUBACK 0x87 halts the stream with the reason code; the filter stays poisoned until every stream on it closes"
        )
        func haltedAndPoisoned() async throws {
            let transport = TestTransport()
            transport.onSubscribe { _ in .reply(.notAuthorized) }
            let client = try RequestResponseClient(transport: transport, options: .test())
            let first = try client.streamingOperation(.init(topicFilter: "denied/#"))
            try first.open()
            var firstReader = EventReader(first)
            let halted = try await firstReader.status()
            #expect(halted?.type == .halted)
            #expect(halted?.error?.code == .subscribeFailure)
            #expect(halted?.error?.reasonCode == .subAck(.notAuthorized))
            #expect(try await firstReader.next() == nil)
            // Poisoned: a second stream on the filter halts at once, without another SUBSCRIBE.
            transport.onSubscribe { _ in .reply(.grantedQoS1) }
            let second = try client.streamingOperation(.init(topicFilter: "denied/#"))
            try second.open()
            var secondReader = EventReader(second)
            #expect(try await secondReader.status()?.error?.reasonCode == .subAck(.notAuthorized))
            #expect(transport.subscribes == ["denied/#"])
            first.close()
            second.close()
            // Every stream on it closed: the next one subscribes again.
            let third = try client.streamingOperation(.init(topicFilter: "denied/#"))
            try third.open()
            var thirdReader = EventReader(third)
            #expect(try await thirdReader.status()?.type == .established)
            #expect(transport.subscribes == ["denied/#", "denied/#"])
            third.close()
            await client.close()
        }

        @Test("every non-retryable SUBACK code halts: 0x8F, 0x9E, 0xA1, 0xA2")
        func nonRetryableCodes() async throws {
            for code in [
                MQTTSubAckReasonCode.topicFilterInvalid, .sharedSubscriptionsNotSupported,
                .subscriptionIdentifiersNotSupported, .wildcardSubscriptionsNotSupported,
            ] {
                let transport = TestTransport()
                transport.onSubscribe { _ in .reply(code) }
                let client = try RequestResponseClient(transport: transport, options: .test())
                let stream = try client.streamingOperation(.init(topicFilter: "n/#"))
                try stream.open()
                var reader = EventReader(stream)
                let status = try await reader.status()
                #expect(status?.type == .halted)
                #expect(status?.error?.reasonCode == .subAck(code))
                stream.close()
                await client.close()
            }
        }

        @Test(
            "a retryable SUBACK failure is retried with capped exponential backoff, without events, until it succeeds")
        func retryWithBackoff() async throws {
            let transport = TestTransport()
            let times = TimeLog()
            transport.onSubscribe { _ in
                let count = times.record()
                return count <= 4 ? .reply(count % 2 == 0 ? .quotaExceeded : .unspecifiedError) : .reply(.grantedQoS1)
            }
            var options = RequestResponseClient.Options.test()
            options.streamingRetryInitialBackoff = .milliseconds(20)
            options.streamingRetryMaximumBackoff = .milliseconds(60)
            let client = try RequestResponseClient(transport: transport, options: options)
            let stream = try client.streamingOperation(.init(topicFilter: "retry/#"))
            try stream.open()
            var reader = EventReader(stream)
            let first = try await reader.status()  // nothing before the eventual success
            #expect(first?.type == .established)
            let gaps = times.gaps
            #expect(gaps.count == 4)
            // 20, 40, 60 (capped), 60 ms: never a tight loop.
            let expected: [Duration] = [.milliseconds(20), .milliseconds(40), .milliseconds(60), .milliseconds(60)]
            for (gap, minimum) in zip(gaps, expected) {
                #expect(gap >= minimum - .milliseconds(2), "gap \(gap) shorter than \(minimum)")
            }
            stream.close()
            await client.close()
        }

        @Test("a filter used by requests cannot be streamed (and vice versa)")
        func typeConflict() async throws {
            let transport = TestTransport()
            transport.service(ThingService.respond)
            let client = try RequestResponseClient(transport: transport, options: .test())
            _ = try await client.request(ThingService.request(thing: "c", token: "1"))  // warm "things/c/get/+"
            let stream = try client.streamingOperation(.init(topicFilter: "things/c/get/+"))
            try stream.open()
            var reader = EventReader(stream)
            let status = try await reader.status()
            #expect(status?.type == .halted)
            #expect(status?.error?.code == .invalidArgument)
            stream.close()
            let other = try client.streamingOperation(.init(topicFilter: "things/d/get/+"))
            try other.open()
            var otherReader = EventReader(other)
            #expect(try await otherReader.status()?.type == .established)
            do {
                _ = try await client.request(ThingService.request(thing: "d", token: "2"))
                Issue.record("expected a conflict")
            } catch {
                #expect(error.code == .invalidArgument)
            }
            other.close()
            await client.close()
        }

        @Test("withStreamingOperation closes the stream (and unsubscribes) when the body ends or throws")
        func scoped() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let topic = try await client.withStreamingOperation(.init(topicFilter: "scoped/#")) { stream in
                var reader = EventReader(stream)
                #expect(try await reader.status()?.type == .established)
                transport.inject(RequestResponsePublish(topic: "scoped/1", payload: ByteBuffer(string: "x")))
                return try await reader.publish()?.topic
            }
            #expect(topic == "scoped/1")
            try await waitUntil("unsubscribed") { transport.unsubscribes == ["scoped/#"] }
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await client.withStreamingOperation(.init(topicFilter: "scoped2/#")) { _ in throw Boom() }
            }
            try await waitUntil("unsubscribed again") { transport.unsubscribes == ["scoped/#", "scoped2/#"] }
            await client.close()
        }

        @Test("bounded buffer: a slow consumer gets the newest publishes; drops are counted; status events are kept")
        func boundedBuffer() async throws {
            let transport = TestTransport()
            var options = RequestResponseClient.Options.test()
            options.streamBufferCapacity = 4
            let client = try RequestResponseClient(transport: transport, options: options)
            let stream = try client.streamingOperation(.init(topicFilter: "flood/#"))
            try stream.open()
            try await waitUntil("subscribed") { transport.activeSubscriptions.contains("flood/#") }
            for index in 0..<10 {
                transport.inject(
                    RequestResponsePublish(topic: "flood/\(index)", payload: ByteBuffer(string: "\(index)")))
            }
            try await waitUntil("delivered") { await client.statistics.streamPublishesDelivered == 10 }
            var reader = EventReader(stream)
            #expect(try await reader.status()?.type == .established)
            var topics: [String] = []
            for _ in 0..<4 { topics.append(try await reader.publish()?.topic ?? "") }
            #expect(topics == ["flood/6", "flood/7", "flood/8", "flood/9"])
            #expect(await client.statistics.streamPublishesDropped == 6)
            stream.close()
            await client.close()
        }

        @Test("cancelling a task waiting for the next event ends its iteration")
        func iteratorCancellation() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            let stream = try client.streamingOperation(.init(topicFilter: "quiet/#"))
            try stream.open()
            let task = Task { () -> Int in
                var count = 0
                for await _ in stream { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(30))
            task.cancel()
            let count = try await withTimeout(.seconds(2)) { await task.value }
            #expect(count == 1)  // established, then nothing until cancelled
            stream.close()
            await client.close()
        }

        @Test("releasing an open stream closes it")
        func releaseCloses() async throws {
            let transport = TestTransport()
            let client = try RequestResponseClient(transport: transport, options: .test())
            do {
                let stream = try client.streamingOperation(.init(topicFilter: "dropped/#"))
                try stream.open()
                try await waitUntil("subscribed") { transport.activeSubscriptions.contains("dropped/#") }
            }
            try await waitUntil("unsubscribed") { transport.unsubscribes == ["dropped/#"] }
            await client.close()
        }
    }
}

/// Records when something happened.
final class TimeLog: Sendable {
    private let times = Mutex<[ContinuousClock.Instant]>([])

    /// Records now; returns how many were recorded so far.
    func record() -> Int {
        times.withLock { times in
            times.append(ContinuousClock.now)
            return times.count
        }
    }

    var gaps: [Duration] {
        let times = times.withLock { $0 }
        return zip(times.dropFirst(), times).map { $0 - $1 }
    }
}
