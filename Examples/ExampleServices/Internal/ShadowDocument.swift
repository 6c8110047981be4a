import Foundation
import IoTShadow
import MQTTServiceRuntime

/// One shadow: its `desired` and `reported` sections (JSON objects, absent when empty), when
/// each member was set, and its version.
struct ShadowDocument: Hashable, Sendable {
    var desired: ServiceJSONValue?
    var reported: ServiceJSONValue?
    var desiredMetadata: ShadowMetadataNode?
    var reportedMetadata: ShadowMetadataNode?
    /// Incremented by every accepted update; a new shadow's first update makes it 1.
    var version: Int

    /// The members of `desired` that `reported` does not match yet.
    var delta: ServiceJSONValue? { ShadowJSON.delta(desired: desired, reported: reported) }

    /// The metadata of both sections.
    var metadata: IoTShadow.ShadowMetadata {
        IoTShadow.ShadowMetadata(desired: desiredMetadata?.json, reported: reportedMetadata?.json)
    }

    /// The document as the `update/documents` stream shows it.
    var snapshot: IoTShadow.ShadowUpdatedSnapshot {
        IoTShadow.ShadowUpdatedSnapshot(
            state: IoTShadow.ShadowState(
                desired: desired.map { .value($0) } ?? .absent, reported: reported.map { .value($0) } ?? .absent),
            metadata: metadata, version: version)
    }

    /// Checks that an update can be applied: at least one section, each an object or `null`.
    ///
    /// - Throws: The message of a 400 rejection.
    static func validate(_ state: IoTShadow.ShadowState) throws(ShadowDocumentError) {
        if case .absent = state.desired, case .absent = state.reported {
            throw ShadowDocumentError("Invalid JSON: state must contain desired or reported")
        }
        for (name, section) in [("desired", state.desired), ("reported", state.reported)] {
            if case .value(let value) = section, value.objectValue == nil {
                throw ShadowDocumentError("Invalid JSON: state.\(name) must be an object or null")
            }
        }
    }

    /// Applies a validated update at `date`: `null` clears a section, an object merges into it
    /// (``ShadowJSON/merge(_:into:)``); a section left without members disappears.
    mutating func apply(_ state: IoTShadow.ShadowState, at date: Date) {
        Self.apply(state.desired, to: &desired, metadata: &desiredMetadata, at: date)
        Self.apply(state.reported, to: &reported, metadata: &reportedMetadata, at: date)
    }

    private static func apply(
        _ change: Nullable<ServiceJSONValue>, to section: inout ServiceJSONValue?, metadata: inout ShadowMetadataNode?,
        at date: Date
    ) {
        switch change {
        case .absent:
            return
        case .null:
            section = nil
            metadata = nil
        case .value(let patch):
            let merged = ShadowJSON.merge(patch, into: section)
            if merged.objectValue?.isEmpty == true {
                section = nil
                metadata = nil
            } else {
                section = merged
                metadata = ShadowMetadataNode.merge(patch, into: metadata, at: date)
            }
        }
    }
}

/// Why an update is invalid.
struct ShadowDocumentError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
