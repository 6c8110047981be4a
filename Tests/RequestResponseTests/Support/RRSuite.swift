import Testing

/// The root of every request-response test suite. Serialized: the tests measure timer
/// precision and promptness, which CPU-heavy tests running alongside on a small machine would
/// distort; run one after another the whole target still takes a few seconds. The time limit
/// (per test) bounds the stream waits (`iterator.next()`) that have no timeout of their own.
@Suite("Request-response", .serialized, .timeLimit(.minutes(1)))
struct RRSuite {}
