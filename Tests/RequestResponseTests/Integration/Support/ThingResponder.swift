import Foundation
import MQTT5
import NIOCore
import RequestResponse
import Synchronization

/// A shadow-like service on a real broker, built on ``RequestResponder``: answers
/// `<prefix>/things/<thing>/get` on `.../accepted` (`.../rejected` for things named `reject-*`),
/// echoing the request's `clientToken` (content type, message expiry and a `thing` user
/// property on every response), and records when each request arrived. A script can
/// replace the answer (extra noise, holding a request at a ``Gate``).
final class ThingResponder: Sendable {
    struct Arrival: Sendable {
        var thing: String
        var token: String?
        var at: ContinuousClock.Instant
    }

    /// One publish of the service: a topic suffix after `.../get/` and a payload.
    struct Reply: Sendable {
        var suffix: String
        var payload: String
    }

    typealias Script = @Sendable (Arrival) async -> [Reply]?

    let responder: RequestResponder
    let prefix: String
    private let log = Mutex<[Arrival]>([])

    private init(responder: RequestResponder, prefix: String) {
        self.responder = responder
        self.prefix = prefix
    }

    /// Starts serving; `script` returns the replies for a request, or `nil` for the default one.
    static func start(
        on transport: any RequestResponseTransport, prefix: String, script: Script? = nil
    ) async throws -> ThingResponder {
        let service = ThingResponder(
            responder: RequestResponder(transport: transport, acknowledgementTimeout: .seconds(5)), prefix: prefix)
        _ = try await service.responder.serve(topicFilter: "\(prefix)/things/+/get") { [service] request in
            let thing = request.topic.split(separator: "/").dropLast().last.map(String.init) ?? ""
            let object =
                (try? JSONSerialization.jsonObject(with: Data(String(buffer: request.payload).utf8))) as? [String: Any]
            let arrival = Arrival(thing: thing, token: object?["clientToken"] as? String, at: .now)
            service.log.withLock { $0.append(arrival) }
            let replies = await script?(arrival) ?? [Self.defaultReply(arrival)]
            var properties = MQTTProperties()
            properties.contentType = "application/json"
            properties.messageExpiryInterval = 60
            properties.userProperties = [MQTTUserProperty(name: "thing", value: thing)]
            for reply in replies {
                try? await service.responder.respond(
                    to: request, topic: "\(request.topic)/\(reply.suffix)", payload: ByteBuffer(string: reply.payload),
                    properties: properties)
            }
        }
        return service
    }

    static func defaultReply(_ arrival: Arrival) -> Reply {
        let suffix = arrival.thing.hasPrefix("reject-") ? "rejected" : "accepted"
        guard let token = arrival.token else { return Reply(suffix: suffix, payload: #"{"state":{}}"#) }
        let body =
            suffix == "accepted"
            ? #"{"state":{"reported":{"on":true}},"clientToken":"\#(token)"}"#
            : #"{"code":404,"message":"no shadow","clientToken":"\#(token)"}"#
        return Reply(suffix: suffix, payload: body)
    }

    /// The requests received so far, in order.
    var arrivals: [Arrival] { log.withLock { $0 } }

    func close() async { await responder.close() }

    // MARK: Requests

    func topic(_ thing: String) -> String { Self.topic(prefix: prefix, thing) }

    /// A request for `thing`, correlated by `clientToken` (or token-less when `token` is nil).
    func request(_ thing: String, token: String?) -> RequestResponseClient.RequestOptions {
        Self.request(prefix: prefix, thing, token: token)
    }

    static func topic(prefix: String, _ thing: String) -> String { "\(prefix)/things/\(thing)/get" }

    /// A request for `thing` under `prefix`, whether or not anyone serves it.
    static func request(prefix: String, _ thing: String, token: String?) -> RequestResponseClient.RequestOptions {
        let topic = topic(prefix: prefix, thing)
        let path = token == nil ? nil : "clientToken"
        return RequestResponseClient.RequestOptions(
            subscriptionTopicFilters: [topic + "/+"],
            responsePaths: [
                RequestResponseClient.ResponsePath(topic: topic + "/accepted", correlationTokenJSONPath: path),
                RequestResponseClient.ResponsePath(topic: topic + "/rejected", correlationTokenJSONPath: path),
            ],
            publishTopic: topic,
            payload: ByteBuffer(string: token.map { #"{"clientToken":"\#($0)"}"# } ?? "{}"),
            correlationToken: token
        )
    }
}
