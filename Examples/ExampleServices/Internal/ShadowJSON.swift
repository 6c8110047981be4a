import MQTTServiceRuntime

/// The JSON rules of the shadow service, on ``ServiceJSONValue``s.
enum ShadowJSON {
    /// Merges an update into a section the way the shadow service does: members of `patch`
    /// replace those of `base`, objects merge member by member, and a `null` member deletes.
    ///
    /// ```
    /// base  {"color": "red", "light": {"on": true, "level": 3}}
    /// patch {"color": null, "light": {"level": 5}}
    /// =     {"light": {"on": true, "level": 5}}
    /// ```
    /// Arrays and scalars replace whole. A non-object `patch` replaces `base`.
    static func merge(_ patch: ServiceJSONValue, into base: ServiceJSONValue?) -> ServiceJSONValue {
        guard case .object(let changes) = patch else { return patch }
        var members = base?.objectValue ?? [:]
        for (key, value) in changes {
            switch value {
            case .null: members[key] = nil
            case .object: members[key] = merge(value, into: members[key])
            default: members[key] = value
            }
        }
        return .object(members)
    }

    /// The delta: the members of `desired` that `reported` does not match, recursively through
    /// objects; `nil` when the device reports everything desired.
    ///
    /// ```
    /// desired  {"color": "green", "light": {"on": true, "level": 5}}
    /// reported {"color": "red",   "light": {"on": true, "level": 3}, "uptime": 42}
    /// delta    {"color": "green", "light": {"level": 5}}
    /// ```
    static func delta(desired: ServiceJSONValue?, reported: ServiceJSONValue?) -> ServiceJSONValue? {
        guard case .object(let wanted)? = desired else { return nil }
        let actual = reported?.objectValue ?? [:]
        var difference: [String: ServiceJSONValue] = [:]
        for (key, value) in wanted {
            if case .object = value, case .object? = actual[key] {
                if let nested = delta(desired: value, reported: actual[key]) { difference[key] = nested }
            } else if actual[key] != value {
                difference[key] = value
            }
        }
        return difference.isEmpty ? nil : .object(difference)
    }
}
