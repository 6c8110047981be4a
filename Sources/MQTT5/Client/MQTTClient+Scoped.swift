import Logging
import NIOCore
import NIOPosix

/// Runs `body` with a started client and always stops it afterwards, whether `body` returns,
/// throws or its task is cancelled.
///
/// ```swift
/// try await withMQTTClient(configuration: try .init(url: "mqtt://localhost")) { client in
///     try await client.publish(to: "hello", payload: ByteBuffer(string: "world"), qos: .atLeastOnce)
/// }
/// ```
///
/// - Parameters:
///   - configuration: The client configuration.
///   - eventLoopGroup: The group to take the client's event loop from.
///   - logger: The client's logger.
///   - connectTimeout: How long to wait for the first connection before running `body`; `nil`
///     runs `body` at once (operations then follow the offline queue policy).
///   - body: What to do with the client.
/// - Returns: What `body` returns.
/// - Throws: ``MQTTError`` when the first connection does not come in time, or what `body` throws.
@discardableResult
public func withMQTTClient<Result: Sendable>(
    configuration: MQTTClient.Configuration,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    logger: Logger = Logger(label: "mqtt5.client"),
    connectTimeout: Duration? = .seconds(30),
    _ body: (MQTTClient) async throws -> Result
) async throws -> Result {
    let client = MQTTClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
    client.start()
    do {
        if let connectTimeout {
            try await client.waitForConnection(timeout: connectTimeout)
        }
        let result = try await body(client)
        await client.stop()
        return result
    } catch {
        await client.stop()
        throw error
    }
}
