import ExampleServices
import Foundation
import IoTShadow
import MQTTServiceRuntime
import NIOCore
import Synchronization
import Testing

/// The in-memory shadow service's rules, called directly (no broker).
@Suite struct InMemoryShadowServiceTests {
    /// The events the service published, decoded by topic suffix.
    final class EventLog: Sendable {
        let published = Mutex<[(topic: String, payload: ByteBuffer)]>([])

        var publisher: ServiceEventPublisher {
            ServiceEventPublisher { [self] topic, payload in published.withLock { $0.append((topic, payload)) } }
        }

        func events<Event: Decodable>(_ type: Event.Type, on topic: String) throws -> [Event] {
            try published.withLock { $0 }.filter { $0.topic == topic }.map {
                try ServiceCoding.decode(Event.self, from: $0.payload)
            }
        }
    }

    let log = EventLog()
    let service: InMemoryShadowService
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    init() {
        service = InMemoryShadowService(events: log.publisher, clock: { Self.now })
    }

    func update(
        _ state: IoTShadow.ShadowState, version: Int? = nil, token: String? = nil
    ) async throws(IoTShadow.ErrorResponse) -> IoTShadow.UpdateShadowResponse {
        try await service.updateShadow(.init(thingName: "lamp", clientToken: token, state: state, version: version))
    }

    func get() async throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse {
        try await service.getShadow(.init(thingName: "lamp"))
    }

    @Test func updatesMergeMemberByMemberAndNullDeletes() async throws {
        _ = try await update(.init(desired: .value(["color": "red", "light": ["on": true, "level": 3]])))
        _ = try await update(.init(desired: .value(["color": nil, "light": ["level": 5]])))
        #expect(try await get().state.desired == ["light": ["on": true, "level": 5]])

        // A section whose last member is deleted disappears; null clears a whole section.
        _ = try await update(.init(reported: .value(["uptime": 1])))
        _ = try await update(.init(reported: .value(["uptime": nil])))
        #expect(try await get().state.reported == nil)
        _ = try await update(.init(desired: .null))
        let document = try await get()
        #expect(document.state.desired == nil)
        #expect(document.version == 5)
        #expect(document.metadata.desired == nil)
    }

    @Test func deltaIsWhatDesiredAsksAndReportedLacks() async throws {
        _ = try await update(
            .init(reported: .value(["color": "red", "light": ["on": true, "level": 3], "uptime": 42])))
        let response = try await update(
            .init(desired: .value(["color": "green", "light": ["on": true, "level": 5]])), token: "t-1")
        #expect(try await get().state.delta == ["color": "green", "light": ["level": 5]])

        let deltas = try log.events(IoTShadow.ShadowDeltaUpdatedEvent.self, on: "$aws/things/lamp/shadow/update/delta")
        #expect(deltas.count == 1, "a reported-only update publishes no delta")
        #expect(deltas.first?.state == ["color": "green", "light": ["level": 5]])
        #expect(deltas.first?.version == response.version)
        #expect(deltas.first?.clientToken == "t-1")
        #expect(
            deltas.first?.metadata == [
                "color": ["timestamp": 1_700_000_000], "light": ["level": ["timestamp": 1_700_000_000]],
            ])

        // Reporting what is desired empties the delta, and publishes none.
        _ = try await update(.init(reported: .value(["color": "green", "light": ["level": 5]])))
        #expect(try await get().state.delta == nil)
        _ = try await update(.init(desired: .value(["color": "green"])))
        #expect(
            try log.events(IoTShadow.ShadowDeltaUpdatedEvent.self, on: "$aws/things/lamp/shadow/update/delta").count
                == 1)
    }

    @Test func everyUpdatePublishesTheDocuments() async throws {
        _ = try await update(.init(reported: .value(["on": false])))
        _ = try await update(.init(desired: .value(["on": true])))
        let documents = try log.events(
            IoTShadow.ShadowUpdatedEvent.self, on: "$aws/things/lamp/shadow/update/documents")
        #expect(documents.count == 2)
        #expect(documents.first?.previous == nil)
        #expect(documents.first?.current?.version == 1)
        #expect(documents.last?.previous?.state.reported == .value(["on": false]))
        #expect(documents.last?.current?.state.desired == .value(["on": true]))
        #expect(documents.last?.current?.version == 2)
    }

    @Test func rejections() async throws {
        await #expect(
            throws: IoTShadow.ErrorResponse(
                code: 404, message: "No shadow exists with name: 'lamp'", timestamp: Self.now)
        ) {
            try await get()
        }
        await #expect(
            throws: IoTShadow.ErrorResponse(
                code: 404, message: "No shadow exists with name: 'lamp'", timestamp: Self.now)
        ) {
            try await service.deleteShadow(.init(thingName: "lamp"))
        }
        await #expect(throws: IoTShadow.ErrorResponse.self) { try await update(.init()) }
        await #expect(throws: IoTShadow.ErrorResponse.self) { try await update(.init(desired: .value("on"))) }
        _ = try await update(.init(reported: .value(["on": true])))
        do {
            _ = try await update(.init(reported: .value(["on": false])), version: 0)
            Issue.record("a stale version must be rejected")
        } catch {
            #expect(error.code == 409)
        }
        #expect(try await get().state.reported == ["on": true])
    }

    @Test func deletingKeepsTheVersion() async throws {
        _ = try await update(.init(reported: .value(["on": true])))
        _ = try await update(.init(reported: .value(["on": false])))
        #expect(try await service.deleteShadow(.init(thingName: "lamp")).version == 2)
        #expect(try await update(.init(reported: .value(["on": true]))).version == 3)
    }

    @Test func namedShadowsAreSeparateAndPublishOnTheirTopics() async throws {
        _ = try await service.updateNamedShadow(
            .init(thingName: "lamp", shadowName: "config", state: .init(desired: .value(["mode": "eco"]))))
        #expect(
            try await service.getNamedShadow(.init(thingName: "lamp", shadowName: "config")).state.delta == [
                "mode": "eco"
            ])
        await #expect(throws: IoTShadow.ErrorResponse.self) { try await get() }
        #expect(
            try log.events(
                IoTShadow.ShadowDeltaUpdatedEvent.self, on: "$aws/things/lamp/shadow/name/config/update/delta"
            ).count == 1)
    }
}
