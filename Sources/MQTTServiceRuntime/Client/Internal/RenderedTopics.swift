import RequestResponse
import Synchronization

/// An operation's topics rendered for one set of placeholder values, as a request needs them.
struct RenderedTopics: Sendable {
    var publishTopic: String
    /// Empty in correlation-data mode.
    var subscriptionTopicFilters: [String]
    /// The responses with a topic, in schema order, with their correlation token path.
    var responsePaths: [RequestResponseClient.ResponsePath]
    /// Whether the response on each of ``responsePaths`` is the modeled error.
    var isError: [Bool]
}

/// The topics an operation rendered last, reused while the placeholder values repeat.
///
/// A client usually calls an operation for one thing (a device, its own shadow) again and again:
/// rendering its topics every time cost seven allocations per request (the topic strings and
/// the arrays that carry them). One entry, shared by the clients using the operation's
/// descriptor; a call with other values renders and replaces it.
final class RenderedTopicsCache: Sendable {
    private let last = Mutex<(parameters: [String: String], topics: RenderedTopics)?>(nil)

    /// The topics for `parameters`: the cached ones when the values are the same, else
    /// `render()`'s, which are cached when it succeeds.
    func topics<Failure: Error>(
        for parameters: [String: String], render: () throws(Failure) -> RenderedTopics
    ) throws(Failure) -> RenderedTopics {
        if let cached = last.withLock({ $0?.parameters == parameters ? $0?.topics : nil }) {
            return cached
        }
        let topics = try render()
        last.withLock { $0 = (parameters, topics) }
        return topics
    }
}
