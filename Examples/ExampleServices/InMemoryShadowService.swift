public import Foundation
public import IoTShadow
public import Logging
import MQTTServiceRuntime
import Synchronization

/// The AWS IoT Device Shadow service in memory, written against the generated
/// `IoTShadow.ServiceProtocol`: what an example or a test needs to stand in for the cloud.
///
/// It keeps classic and named shadows with the service's rules:
/// - an update merges `desired` and `reported` member by member; an explicit `null` deletes a
///   member, and `"desired": null` clears the whole section;
/// - every accepted update increments the version; an update carrying a `version` that is not
///   the current one is rejected with 409; deleting a shadow keeps its version, so a shadow
///   created again continues from it;
/// - `get` returns the delta (desired members that reported does not match) and the metadata
///   (when each member was set); `get` and `delete` of a missing shadow are rejected with 404;
/// - after an update it publishes the new document on `…/update/documents` and, when the
///   update set desired members that reported does not match, the delta on `…/update/delta`.
///
/// ```swift
/// let responder = RequestResponder(serviceConnection)
/// let service = InMemoryShadowService(events: .mqtt(serviceConnection))
/// let registrations = try await service.register(on: responder)   // six operations
/// ```
public final class InMemoryShadowService: IoTShadow.ServiceProtocol, Sendable {
    /// A shadow's identity: the thing, and the shadow name for a named shadow.
    private struct ShadowName: Hashable {
        var thing: String
        var shadow: String?

        /// The topic prefix of the shadow's MQTT API.
        var topicPrefix: String {
            shadow.map { "$aws/things/\(thing)/shadow/name/\($0)" } ?? "$aws/things/\(thing)/shadow"
        }

        var displayName: String { shadow.map { "\(thing)~\($0)" } ?? thing }
    }

    private struct State {
        var documents: [ShadowName: ShadowDocument] = [:]
        /// The last version of deleted shadows: a shadow created again continues from it.
        var deletedVersions: [ShadowName: Int] = [:]
    }

    private let state = Mutex(State())
    private let events: ServiceEventPublisher
    private let clock: @Sendable () -> Date
    private let logger: Logger

    /// Creates a service with no shadows.
    ///
    /// - Parameters:
    ///   - events: Where the delta and documents streams are published; ``ServiceEventPublisher/discarding`` by default.
    ///   - clock: The time of timestamps and metadata (fixed in tests).
    ///   - logger: Where failures to publish events are reported.
    public init(
        events: ServiceEventPublisher = .discarding, clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "example-services.shadow")
    ) {
        self.events = events
        self.clock = clock
        self.logger = logger
    }

    // MARK: Operations of the generated protocol

    /// Returns the classic shadow of a thing, or rejects with 404.
    public func getShadow(
        _ request: IoTShadow.GetShadowRequest
    ) async throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse {
        try get(ShadowName(thing: request.thingName))
    }

    /// Returns a named shadow of a thing, or rejects with 404.
    public func getNamedShadow(
        _ request: IoTShadow.GetNamedShadowRequest
    ) async throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse {
        try get(ShadowName(thing: request.thingName, shadow: request.shadowName))
    }

    /// Updates (or creates) the classic shadow of a thing.
    public func updateShadow(
        _ request: IoTShadow.UpdateShadowRequest
    ) async throws(IoTShadow.ErrorResponse) -> IoTShadow.UpdateShadowResponse {
        try await update(
            ShadowName(thing: request.thingName), state: request.state, version: request.version,
            clientToken: request.clientToken)
    }

    /// Updates (or creates) a named shadow of a thing.
    public func updateNamedShadow(
        _ request: IoTShadow.UpdateNamedShadowRequest
    ) async throws(IoTShadow.ErrorResponse) -> IoTShadow.UpdateShadowResponse {
        try await update(
            ShadowName(thing: request.thingName, shadow: request.shadowName), state: request.state,
            version: request.version,
            clientToken: request.clientToken)
    }

    /// Deletes the classic shadow of a thing, or rejects with 404.
    public func deleteShadow(
        _ request: IoTShadow.DeleteShadowRequest
    ) async throws(IoTShadow.ErrorResponse) -> IoTShadow.DeleteShadowResponse {
        try delete(ShadowName(thing: request.thingName))
    }

    /// Deletes a named shadow of a thing, or rejects with 404.
    public func deleteNamedShadow(
        _ request: IoTShadow.DeleteNamedShadowRequest
    ) async throws(IoTShadow.ErrorResponse) -> IoTShadow.DeleteShadowResponse {
        try delete(ShadowName(thing: request.thingName, shadow: request.shadowName))
    }

    // MARK: Implementation

    private func get(_ name: ShadowName) throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse {
        let now = clock()
        guard let document = state.withLock({ $0.documents[name] }) else { throw notFound(name, at: now) }
        return IoTShadow.GetShadowResponse(
            state: IoTShadow.ShadowStateWithDelta(
                desired: document.desired, reported: document.reported, delta: document.delta),
            metadata: document.metadata, timestamp: now, version: document.version)
    }

    private func update(
        _ name: ShadowName, state update: IoTShadow.ShadowState, version expectedVersion: Int?, clientToken: String?
    ) async throws(IoTShadow.ErrorResponse) -> IoTShadow.UpdateShadowResponse {
        let now = clock()
        do {
            try ShadowDocument.validate(update)
        } catch {
            throw IoTShadow.ErrorResponse(code: 400, message: error.message, timestamp: now)
        }
        let outcome: Result<(previous: ShadowDocument?, current: ShadowDocument), IoTShadow.ErrorResponse> =
            state.withLock { state in
                let previous = state.documents[name]
                var document = previous ?? ShadowDocument(version: state.deletedVersions[name] ?? 0)
                if let expectedVersion, expectedVersion != document.version {
                    return .failure(IoTShadow.ErrorResponse(code: 409, message: "Version conflict", timestamp: now))
                }
                document.apply(update, at: now)
                document.version += 1
                state.documents[name] = document
                return .success((previous, document))
            }
        let (previous, current) = try outcome.get()

        // The service publishes these around the time of the accepted response; clients must
        // not rely on which arrives first.
        await publish(
            IoTShadow.ShadowUpdatedEvent(
                previous: previous?.snapshot, current: current.snapshot, timestamp: now, clientToken: clientToken),
            to: "\(name.topicPrefix)/update/documents")
        if case .value = update.desired, let delta = current.delta {
            let metadata = current.desiredMetadata?.projected(onto: delta).json ?? [:]
            await publish(
                IoTShadow.ShadowDeltaUpdatedEvent(
                    clientToken: clientToken, state: delta, metadata: metadata, timestamp: now, version: current.version
                ),
                to: "\(name.topicPrefix)/update/delta")
        }

        // The accepted response echoes the request's state, with metadata for what it set.
        return IoTShadow.UpdateShadowResponse(
            state: update,
            metadata: IoTShadow.ShadowMetadata(
                desired: update.desired.value.map { ShadowMetadataNode(stamping: $0, at: now).json },
                reported: update.reported.value.map { ShadowMetadataNode(stamping: $0, at: now).json }),
            timestamp: now, version: current.version)
    }

    private func delete(_ name: ShadowName) throws(IoTShadow.ErrorResponse) -> IoTShadow.DeleteShadowResponse {
        let now = clock()
        let deleted: ShadowDocument? = state.withLock { state in
            guard let document = state.documents.removeValue(forKey: name) else { return nil }
            state.deletedVersions[name] = document.version
            return document
        }
        guard let deleted else { throw notFound(name, at: now) }
        return IoTShadow.DeleteShadowResponse(timestamp: now, version: deleted.version)
    }

    private func notFound(_ name: ShadowName, at now: Date) -> IoTShadow.ErrorResponse {
        IoTShadow.ErrorResponse(code: 404, message: "No shadow exists with name: '\(name.displayName)'", timestamp: now)
    }

    private func publish(_ event: some Encodable, to topic: String) async {
        do {
            try await events.publish(event, to: topic)
        } catch {
            logger.warning("cannot publish a shadow event", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }
}
