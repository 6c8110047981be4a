import Foundation
import MQTT5
import NIOCore
import RequestResponse
import Synchronization
import Testing

struct WaitTimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` every millisecond until it holds; fails the test after `timeout`.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(5), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(1))
    }
    if try await condition() { return }
    Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
    throw WaitTimedOut(what: what)
}

/// Runs `body` with a deadline; throws if it takes longer.
func withTimeout<T: Sendable>(
    _ timeout: Duration = .seconds(5), _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw WaitTimedOut(what: "operation (\(timeout))")
        }
        group.cancelAll()
        return value
    }
}

extension RequestResponseClient.Options {
    /// Small budgets and timeouts for tests.
    static func test(rr: Int = 4, streaming: Int = 2, timeout: Duration = .seconds(2)) -> Self {
        var options = Self(
            maxRequestResponseSubscriptions: rr, maxStreamingSubscriptions: streaming, operationTimeout: timeout)
        options.streamingRetryInitialBackoff = .milliseconds(20)
        options.streamingRetryMaximumBackoff = .milliseconds(80)
        return options
    }
}

/// A stand-in for an AWS IoT shadow-like service: `things/<name>/get` is answered on
/// `things/<name>/get/accepted` (or `.../rejected` for things named `reject-*`) with the
/// request's `clientToken`, or on `.../accepted` without token for token-less requests.
enum ThingService {
    static func filter(_ thing: String) -> String { "things/\(thing)/get/+" }
    static func accepted(_ thing: String) -> String { "things/\(thing)/get/accepted" }
    static func rejected(_ thing: String) -> String { "things/\(thing)/get/rejected" }
    static func publishTopic(_ thing: String) -> String { "things/\(thing)/get" }

    static func request(
        thing: String, token: String?, path: String = "clientToken"
    ) -> RequestResponseClient.RequestOptions {
        let payload = token.map { #"{"clientToken":"\#($0)"}"# } ?? "{}"
        return RequestResponseClient.RequestOptions(
            subscriptionTopicFilters: [filter(thing)],
            responsePaths: [
                RequestResponseClient.ResponsePath(
                    topic: accepted(thing), correlationTokenJSONPath: token == nil ? nil : path),
                RequestResponseClient.ResponsePath(
                    topic: rejected(thing), correlationTokenJSONPath: token == nil ? nil : path),
            ],
            publishTopic: publishTopic(thing),
            payload: ByteBuffer(string: payload),
            correlationToken: token
        )
    }

    /// The service: answers every `things/<name>/get` publish.
    static func respond(_ published: TestTransport.Published) -> [RequestResponsePublish] {
        let parts = published.topic.split(separator: "/")
        guard parts.count == 3, parts[0] == "things", parts[2] == "get" else { return [] }
        let thing = String(parts[1])
        let object = (try? JSONSerialization.jsonObject(with: Data(published.string.utf8))) as? [String: Any]
        let token = object?["clientToken"] as? String
        let topic = thing.hasPrefix("reject-") ? rejected(thing) : accepted(thing)
        var properties = MQTTProperties()
        properties.contentType = "application/json"
        properties.userProperties = [MQTTUserProperty(name: "thing", value: thing)]
        let body =
            token.map { #"{"state":{"reported":{"on":true}},"version":1,"clientToken":"\#($0)"}"# }
            ?? #"{"state":{}}"#
        return [RequestResponsePublish(topic: topic, payload: ByteBuffer(string: body), properties: properties)]
    }
}

extension Error {
    /// The request-response error code, if this is a ``RequestResponseError``.
    var rrCode: RequestResponseError.Code? { (self as? RequestResponseError)?.code }
}

/// A ``ThingService`` that answers only things that are open; requests to closed things are
/// held and answered when their thing opens.
final class GatedThingService: Sendable {
    private let state = Mutex<(open: Set<String>, held: [TestTransport.Published])>(([], []))

    init(open: Set<String> = []) {
        state.withLock { $0.open = open }
    }

    func install(on transport: TestTransport) {
        transport.service { [self] published in
            let thing = published.topic.split(separator: "/").dropFirst().first.map(String.init) ?? ""
            let isOpen = state.withLock { state in
                if state.open.contains(thing) { return true }
                state.held.append(published)
                return false
            }
            return isOpen ? ThingService.respond(published) : []
        }
    }

    /// Opens `thing` and answers its held requests.
    func open(_ thing: String, on transport: TestTransport) {
        let held = state.withLock { state in
            state.open.insert(thing)
            let (mine, others) = (
                state.held.filter { $0.topic.hasPrefix("things/\(thing)/") },
                state.held.filter { !$0.topic.hasPrefix("things/\(thing)/") }
            )
            state.held = others
            return mine
        }
        for published in held { ThingService.respond(published).forEach { transport.inject($0) } }
    }

    func close(_ thing: String) {
        state.withLock { _ = $0.open.remove(thing) }
    }
}
