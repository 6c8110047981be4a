public import MQTT5
import MQTT5Testing

/// The broker an example talks to: the one `--url` names, or an embedded
/// ``MQTT5Testing/MQTTTestBroker`` started for the run.
public struct ExampleBroker: Sendable {
    /// The URL clients connect to.
    public let url: String
    /// Whether the broker was started by this process (no `--url`): the example then also runs
    /// the service it talks to.
    public let isEmbedded: Bool
    /// The options the broker was chosen from.
    public let options: ConnectionOptions

    /// How long the first connection may take: short on loopback, longer over the internet.
    public var connectTimeout: Duration { isEmbedded ? .seconds(5) : .seconds(15) }

    /// A client configuration for this broker, with the TLS flags applied and short timeouts
    /// (an example should fail fast, not wait a minute).
    ///
    /// - Parameter clientID: The MQTT client identifier.
    /// - Returns: The configuration.
    /// - Throws: `MQTTError` when the URL is invalid.
    public func clientConfiguration(clientID: String) throws -> MQTTClient.Configuration {
        var configuration = try MQTTClient.Configuration(url: url, clientIdentifier: clientID)
        configuration.tls = options.tlsConfiguration
        configuration.connectTimeout = connectTimeout
        configuration.connAckTimeout = connectTimeout
        configuration.ackTimeout = .seconds(10)
        return configuration
    }
}

/// Runs `body` with the broker `options` describe: `--url`, or an embedded broker that is shut
/// down when `body` returns or throws.
///
/// - Parameters:
///   - options: The command-line options.
///   - narrator: Where to say which broker is used.
///   - body: The example.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, or why the embedded broker could not start.
public func withExampleBroker<Result: Sendable>(
    _ options: ConnectionOptions, narrator: Narrator, _ body: (ExampleBroker) async throws -> Result
) async throws -> Result {
    if let url = options.url {
        narrator.note("broker", url)
        return try await body(ExampleBroker(url: url, isEmbedded: false, options: options))
    }
    let broker = try await MQTTTestBroker.start()
    narrator.note("broker", "embedded MQTTTestBroker on \(broker.endpoint) (no --url given)")
    do {
        let result = try await body(ExampleBroker(url: broker.endpoint, isEmbedded: true, options: options))
        await broker.shutdown()
        return result
    } catch {
        await broker.shutdown()
        throw error
    }
}
