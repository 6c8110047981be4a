public import Logging
public import MQTT5

/// Runs `body` with a request-response client over `transport`, and closes the client when
/// `body` returns or throws: requests still in flight fail with
/// ``RequestResponseError/Code/clientShutDown``, streams are halted and every subscription the
/// client made is unsubscribed.
///
/// - Parameters:
///   - transport: The MQTT connection (MQTT 5 or 3.1.1) or a test double.
///   - options: Budgets and timeouts; validated.
///   - logger: Where to log; by default the task-local `Logger.current`, so the caller's
///     metadata travels with every line.
///   - isolation: The caller's isolation, inherited by `body`.
///   - body: Uses the client.
/// - Returns: What `body` returns.
/// - Throws: ``RequestResponseError`` when an option is invalid, or what `body` throws.
public func withRequestResponseClient<Result>(
    transport: any RequestResponseTransport,
    options: RequestResponseClient.Options,
    logger: Logger = .current,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (RequestResponseClient) async throws -> Result
) async throws -> Result {
    let client = try RequestResponseClient(transport: transport, options: options, logger: logger)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}

/// Runs `body` with a request-response client over an MQTT client, and closes the
/// request-response client (not the MQTT client) when `body` returns or throws.
///
/// ```swift
/// try await withMQTTClient(configuration: configuration) { mqtt in
///     try await withRequestResponseClient(mqtt, options: .init(operationTimeout: .seconds(5))) { requestResponse in
///         let shadow = IoTShadow.Client(requestResponse)
///         _ = try await shadow.getShadow(thingName: "my-thing")
///     }
/// }
/// ```
///
/// - Parameters:
///   - mqtt: The MQTT client (MQTT 5 or 3.1.1).
///   - options: Budgets and timeouts; validated.
///   - logger: Where to log; by default the task-local `Logger.current`, so the caller's
///     metadata travels with every line.
///   - isolation: The caller's isolation, inherited by `body`.
///   - body: Uses the client.
/// - Returns: What `body` returns.
/// - Throws: ``RequestResponseError`` when an option is invalid, or what `body` throws.
public func withRequestResponseClient<Result>(
    _ mqtt: MQTTClient,
    options: RequestResponseClient.Options,
    logger: Logger = .current,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (RequestResponseClient) async throws -> Result
) async throws -> Result {
    try await withRequestResponseClient(
        transport: MQTTClientTransport(mqtt), options: options, logger: logger, isolation: isolation, body)
}
