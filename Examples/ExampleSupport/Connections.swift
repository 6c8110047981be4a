public import MQTT5
public import RequestResponse

/// Connects an MQTT client to `broker`, runs `body` with it, and disconnects, also when `body`
/// throws.
///
/// Like `withMQTTClient(configuration:connectTimeout:_:)`, but when the connection does not come
/// up in time the error says why the last attempt failed (refused, TLS, not authorized…).
///
/// - Parameters:
///   - broker: Where to connect.
///   - clientID: The MQTT client identifier.
///   - role: Who connects (`device`, `service`), for the narrative.
///   - narrator: Where to say so.
///   - body: What to do while connected.
/// - Returns: What `body` returns.
/// - Throws: ``ExampleError`` when the connection does not come up in
///   ``ExampleBroker/connectTimeout``, or what `body` throws.
public func withConnectedClient<Result: Sendable>(
    to broker: ExampleBroker, clientID: String, role: String, narrator: Narrator,
    _ body: (MQTTClient) async throws -> Result
) async throws -> Result {
    let client = MQTTClient(configuration: try broker.clientConfiguration(clientID: clientID))
    // Remember why connection attempts fail, to say so if none succeeds.
    let events = client.events(bufferingPolicy: .bufferingNewest(16))
    let lastFailure = Task { () -> MQTTError? in
        var last: MQTTError?
        for await event in events {
            switch event {
            case .connectionSuccess: return nil
            case .connectionFailure(_, let error): last = error
            case .stopped(let error): return last ?? error
            default: continue
            }
        }
        return last
    }
    client.start()
    do {
        let settings = try await client.waitForConnection(timeout: broker.connectTimeout)
        lastFailure.cancel()
        narrator.note(
            role, "connected as '\(clientID)' (MQTT \(settings.protocolVersion))")
    } catch {
        await client.stop()
        lastFailure.cancel()
        let reason = await lastFailure.value.map { "\($0)" } ?? "\(error)"
        throw ExampleError(
            "\(role) '\(clientID)' cannot connect to \(broker.url) within \(broker.connectTimeout): \(reason)")
    }
    do {
        let result = try await body(client)
        await client.stop()
        return result
    } catch {
        await client.stop()
        throw error
    }
}

/// Creates a request-response client over `mqtt`, runs `body` with it, and closes it (pending
/// requests fail, streams end, subscriptions are released), also when `body` throws.
///
/// - Parameters:
///   - mqtt: The connected MQTT client.
///   - options: Budgets and timeouts.
///   - body: What to do with the client.
/// - Returns: What `body` returns.
/// - Throws: `RequestResponseError` for invalid options, or what `body` throws.
public func withRequestResponseClient<Result: Sendable>(
    _ mqtt: MQTTClient, options: RequestResponseClient.Options, _ body: (RequestResponseClient) async throws -> Result
) async throws -> Result {
    let client = try RequestResponseClient(mqtt, options: options)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}

/// Plays the cloud's part on a connection of its own: connects `clientID`, lets `start` register
/// a service on a ``RequestResponder``, runs `body` with what `start` returned, then stops
/// serving and disconnects.
///
/// ```swift
/// try await withInProcessService(on: broker, clientID: "shadow-service", narrator: narrator) { connection, responder in
///     let service = InMemoryShadowService(events: .mqtt(connection))
///     _ = try await service.register(on: responder)
///     return service
/// } _: { service in
///     // talk to it
/// }
/// ```
///
/// - Parameters:
///   - broker: Where to connect.
///   - clientID: The service's MQTT client identifier.
///   - narrator: Where to report the connection.
///   - start: Registers the service; returns it (or anything `body` needs).
///   - body: What to do while the service runs.
/// - Returns: What `body` returns.
/// - Throws: What `start` or `body` throws, or why the connection failed.
public func withInProcessService<Service: Sendable, Result: Sendable>(
    on broker: ExampleBroker, clientID: String, narrator: Narrator,
    start: (_ connection: MQTTClient, _ responder: RequestResponder) async throws -> Service,
    _ body: (Service) async throws -> Result
) async throws -> Result {
    try await withConnectedClient(to: broker, clientID: clientID, role: "service", narrator: narrator) { connection in
        let responder = RequestResponder(connection)
        do {
            let service = try await start(connection, responder)
            let result = try await body(service)
            await responder.close()
            return result
        } catch {
            await responder.close()
            throw error
        }
    }
}

/// A random suffix for client identifiers, so that two runs do not take over each other's session.
public func randomSuffix() -> String {
    String(UInt32.random(in: 0...UInt32.max), radix: 16)
}
