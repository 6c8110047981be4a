import Foundation
import MQTTServiceRuntime

/// When each member of a shadow section was last set: the shadow's `metadata`, which mirrors
/// the section with `{"timestamp": <epoch seconds>}` in place of every value.
indirect enum ShadowMetadataNode: Hashable, Sendable {
    /// A value (scalar or array) set at that time.
    case leaf(Date)
    /// An object's members.
    case object([String: ShadowMetadataNode])

    /// The metadata of `value` freshly set at `date`.
    init(stamping value: ServiceJSONValue, at date: Date) {
        if case .object(let members) = value {
            self = .object(members.mapValues { ShadowMetadataNode(stamping: $0, at: date) })
        } else {
            self = .leaf(date)
        }
    }

    /// The metadata after ``ShadowJSON/merge(_:into:)`` applied `patch` at `date`: touched
    /// members get the new time, deleted ones disappear, the others keep theirs.
    static func merge(_ patch: ServiceJSONValue, into base: ShadowMetadataNode?, at date: Date) -> ShadowMetadataNode {
        guard case .object(let changes) = patch else { return .leaf(date) }
        var children: [String: ShadowMetadataNode] = [:]
        if case .object(let existing)? = base { children = existing }
        for (key, value) in changes {
            children[key] = value == .null ? nil : merge(value, into: children[key], at: date)
        }
        return .object(children)
    }

    /// The part of this metadata that describes `value`'s members (for the delta's metadata).
    func projected(onto value: ServiceJSONValue) -> ShadowMetadataNode {
        guard case .object(let children) = self, case .object(let members) = value else { return self }
        var projection: [String: ShadowMetadataNode] = [:]
        for (key, member) in members {
            if let child = children[key] { projection[key] = child.projected(onto: member) }
        }
        return .object(projection)
    }

    /// The JSON the shadow service sends.
    var json: ServiceJSONValue {
        switch self {
        case .leaf(let date): ["timestamp": .number(date.timeIntervalSince1970.rounded(.down))]
        case .object(let children): .object(children.mapValues(\.json))
        }
    }
}
