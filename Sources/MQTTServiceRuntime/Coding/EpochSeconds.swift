public import Foundation

/// A `Date` coded as seconds since 1970-01-01T00:00:00Z, a JSON number: the wire form of schema
/// `timestamp` members.
///
/// Generated models code timestamps through this type rather than through `JSONDecoder`'s date
/// strategy, so they decode correctly with any decoder (the default strategy counts from 2001).
/// Whole seconds encode as integers (`1700000000`), fractions as decimals.
public struct EpochSeconds: Codable, Hashable, Sendable {
    /// The date.
    public var date: Date

    /// Wraps a date.
    public init(_ date: Date) {
        self.date = date
    }

    /// Decodes a JSON number of seconds since 1970.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let seconds = try container.decode(Double.self)
        guard seconds.isFinite else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a timestamp must be a finite number of seconds")
        }
        self.date = Date(timeIntervalSince1970: seconds)
    }

    /// Encodes seconds since 1970: an integer for whole seconds, a decimal otherwise.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let seconds = date.timeIntervalSince1970
        if seconds.rounded() == seconds, abs(seconds) <= 9_007_199_254_740_992 {
            try container.encode(Int64(seconds))
        } else {
            try container.encode(seconds)
        }
    }
}
