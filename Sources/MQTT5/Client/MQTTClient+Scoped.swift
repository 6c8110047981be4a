public import Logging
public import NIOCore
public import NIOPosix

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
public func withMQTTClient<Result>(
    configuration: MQTTClient.Configuration,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    logger: Logger = .current,
    connectTimeout: Duration? = .seconds(30),
    isolation: isolated (any Actor)? = #isolation,
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

extension MQTTClient {
    /// Subscribes to `topicFilter`, runs `body` with the stream of messages that match it, and
    /// unsubscribes when `body` returns or throws (or its task is cancelled).
    ///
    /// ```swift
    /// try await client.withSubscription(to: "sensors/+/temperature") { readings in
    ///     for await reading in readings.prefix(10) { print(reading.topic) }
    /// }
    /// ```
    ///
    /// The stream is registered before the SUBSCRIBE is sent, so retained messages and
    /// messages published right after the SUBACK are not missed.
    ///
    /// - Parameters:
    ///   - topicFilter: The topic filter to subscribe to (`$share/<group>/...` allowed).
    ///   - qos: The maximum QoS requested.
    ///   - bufferingPolicy: What the stream keeps when `body` is slower than the messages.
    ///   - isolation: The caller's isolation, inherited by `body`.
    ///   - body: Receives the messages.
    /// - Returns: What `body` returns.
    /// - Throws: ``MQTTError`` when the filter is invalid or the SUBSCRIBE fails (a SUBACK
    ///   error code is reported as ``MQTTError/Code/subscribeFailed``), or what `body` throws.
    public func withSubscription<Result>(
        to topicFilter: String,
        qos: MQTTQoS = .atLeastOnce,
        bufferingPolicy: AsyncStream<MQTTPublishPacket>.Continuation.BufferingPolicy = .unbounded,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (AsyncStream<MQTTPublishPacket>) async throws -> Result
    ) async throws -> Result {
        let messages = try publishes(matching: topicFilter, bufferingPolicy: bufferingPolicy)
        let subAck = try await subscribe(to: topicFilter, qos: qos)
        if let code = subAck.reasonCodes.first, code.isError {
            throw MQTTError(
                code: .subscribeFailed, message: "the broker rejected SUBSCRIBE to '\(topicFilter)': \(code)",
                reasonCode: .subAck(code))
        }
        do {
            let result = try await body(messages)
            _ = try? await unsubscribe([topicFilter])
            return result
        } catch {
            _ = try? await unsubscribe([topicFilter])
            throw error
        }
    }
}
