import Foundation
import IoTShadow
import MQTTServiceRuntime
import Synchronization

/// A device shadow service in memory, written against the generated `ServiceProtocol`: what a
/// test (or a local simulator) needs to stand in for the cloud.
final class InMemoryShadowService: IoTShadow.ServiceProtocol, Sendable {
    struct Document: Sendable {
        var desired: JSONValue?
        var reported: JSONValue?
        var version: Int
    }

    private let documents = Mutex<[String: Document]>([:])
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    private static func key(_ thing: String, _ shadow: String?) -> String { "\(thing)/\(shadow ?? "")" }

    private func notFound(_ thing: String) -> IoTShadow.ErrorResponse {
        IoTShadow.ErrorResponse(code: 404, message: "No shadow exists with name: '\(thing)'", timestamp: now)
    }

    private func get(_ key: String, thing: String) throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse {
        guard let document = documents.withLock({ $0[key] }) else { throw notFound(thing) }
        return IoTShadow.GetShadowResponse(
            state: .init(desired: document.desired, reported: document.reported), metadata: .init(), timestamp: now,
            version: document.version)
    }

    private func update(_ key: String, state: IoTShadow.ShadowState, version: Int?) throws(IoTShadow.ErrorResponse) -> IoTShadow.UpdateShadowResponse {
        let result: Result<Int, IoTShadow.ErrorResponse> = documents.withLock { documents in
            var document = documents[key] ?? Document(version: 0)
            if let version, version != document.version {
                return .failure(IoTShadow.ErrorResponse(code: 409, message: "Version conflict", timestamp: now))
            }
            switch state.desired {
            case .absent: break
            case .null: document.desired = nil
            case .value(let value): document.desired = value
            }
            switch state.reported {
            case .absent: break
            case .null: document.reported = nil
            case .value(let value): document.reported = value
            }
            document.version += 1
            documents[key] = document
            return .success(document.version)
        }
        let version = try result.get()
        return IoTShadow.UpdateShadowResponse(state: state, metadata: .init(), timestamp: now, version: version)
    }

    private func delete(_ key: String, thing: String) throws(IoTShadow.ErrorResponse) -> IoTShadow.DeleteShadowResponse {
        guard let document = documents.withLock({ $0.removeValue(forKey: key) }) else { throw notFound(thing) }
        return IoTShadow.DeleteShadowResponse(timestamp: now, version: document.version)
    }

    func getShadow(_ request: IoTShadow.GetShadowRequest) async throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse {
        try get(Self.key(request.thingName, nil), thing: request.thingName)
    }

    func getNamedShadow(_ request: IoTShadow.GetNamedShadowRequest) async throws(IoTShadow.ErrorResponse) -> IoTShadow.GetShadowResponse {
        try get(Self.key(request.thingName, request.shadowName), thing: request.thingName)
    }

    func updateShadow(_ request: IoTShadow.UpdateShadowRequest) async throws(IoTShadow.ErrorResponse) -> IoTShadow.UpdateShadowResponse {
        try update(Self.key(request.thingName, nil), state: request.state, version: request.version)
    }

    func updateNamedShadow(_ request: IoTShadow.UpdateNamedShadowRequest) async throws(IoTShadow.ErrorResponse) -> IoTShadow.UpdateShadowResponse {
        try update(Self.key(request.thingName, request.shadowName), state: request.state, version: request.version)
    }

    func deleteShadow(_ request: IoTShadow.DeleteShadowRequest) async throws(IoTShadow.ErrorResponse) -> IoTShadow.DeleteShadowResponse {
        try delete(Self.key(request.thingName, nil), thing: request.thingName)
    }

    func deleteNamedShadow(_ request: IoTShadow.DeleteNamedShadowRequest) async throws(IoTShadow.ErrorResponse) -> IoTShadow.DeleteShadowResponse {
        try delete(Self.key(request.thingName, request.shadowName), thing: request.thingName)
    }
}
