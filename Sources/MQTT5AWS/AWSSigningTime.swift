#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A signing time in UTC, whole seconds: what SigV4 puts in `X-Amz-Date` and the credential scope.
public struct AWSSigningTime: Hashable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Int64

    /// The time `secondsSince1970` seconds after the Unix epoch.
    ///
    /// - Parameter secondsSince1970: Seconds since 1970-01-01T00:00:00Z.
    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'`, e.g. `20150830T123600Z`; `nil` when malformed.
    ///
    /// - Parameter amzDate: The time in SigV4 form.
    public init?(amzDate: String) {
        let digits = Array(amzDate.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            Int64(String(decoding: digits[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        self.init(secondsSince1970: days * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    /// The current time.
    public static var now: AWSSigningTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return AWSSigningTime(secondsSince1970: Int64(spec.tv_sec))
    }

    /// `yyyyMMdd'T'HHmmss'Z'`.
    public var amzDate: String {
        let (year, month, day) = civil
        let seconds = ((secondsSince1970 % 86_400) + 86_400) % 86_400
        return "\(Self.pad(year, 4))\(Self.pad(month, 2))\(Self.pad(day, 2))T"
            + "\(Self.pad(seconds / 3_600, 2))\(Self.pad(seconds / 60 % 60, 2))\(Self.pad(seconds % 60, 2))Z"
    }

    /// `yyyyMMdd`.
    public var dateStamp: String { String(amzDate.prefix(8)) }

    /// ``amzDate``.
    public var description: String { amzDate }

    /// The civil date (proleptic Gregorian) of the day.
    private var civil: (Int64, Int64, Int64) {
        // Howard Hinnant's civil_from_days.
        let days = (secondsSince1970 >= 0 ? secondsSince1970 : secondsSince1970 - 86_399) / 86_400 + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
