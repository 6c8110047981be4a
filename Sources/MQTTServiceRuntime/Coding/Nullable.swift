/// A member that can be absent, an explicit JSON `null`, or a value: three states an optional
/// cannot tell apart.
///
/// Services such as the device shadow give `null` a meaning of its own ("delete this section"),
/// distinct from leaving the member out ("leave it as it is"):
/// ```swift
/// IoTShadow.ShadowState(desired: .value(["color": "red"]))   // {"desired":{"color":"red"}}
/// IoTShadow.ShadowState(reported: .null)                       // {"reported":null}
/// IoTShadow.ShadowState()                                      // {}
/// ```
/// Generated models encode and decode it through ``Swift/KeyedEncodingContainer/encodeNullable(_:forKey:)``
/// and ``Swift/KeyedDecodingContainer/decodeNullable(_:forKey:)``.
public enum Nullable<Wrapped> {
    /// The member is not in the JSON object.
    case absent
    /// The member is an explicit JSON `null`.
    case null
    /// The member has a value.
    case value(Wrapped)

    /// The value, or `nil` when absent or `null`.
    public var value: Wrapped? {
        guard case .value(let value) = self else { return nil }
        return value
    }

    /// Whether the member is absent.
    public var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }

    /// Whether the member is an explicit `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Transforms the value, keeping absent and `null` as they are.
    public func map<NewWrapped, Failure: Error>(
        _ transform: (Wrapped) throws(Failure) -> NewWrapped
    ) throws(Failure) -> Nullable<NewWrapped> {
        switch self {
        case .absent: .absent
        case .null: .null
        case .value(let value): .value(try transform(value))
        }
    }
}

extension Nullable: Sendable where Wrapped: Sendable {}
extension Nullable: Equatable where Wrapped: Equatable {}
extension Nullable: Hashable where Wrapped: Hashable {}
