/// The topic names a decoder received last, so that a name received again becomes the same
/// `String` (a retain) instead of a new one (an allocation, for names longer than 15 bytes, and
/// a UTF-8 check).
///
/// A client receives most of its messages on a handful of topics (a response topic per thing
/// and outcome, a command topic), so nearly every name is one it received before. Direct-mapped:
/// a name goes to the slot its hash picks, replacing what was there; a miss costs the hash and
/// at most one comparison. Only names that passed the topic-name checks are stored, so a stored
/// name with the same bytes needs no check again.
struct MQTTTopicNameCache: Sendable {
    /// Names shorter than this are stored inline in a `String`: making one allocates nothing.
    private static let minimumLength = 16
    private static let slotCount = 16
    /// The stored names with their hashes: a different hash tells a miss without reading the name.
    private var slots: [(hash: UInt64, name: String)] = []

    /// The stored name with exactly `bytes`, or else `decode(bytes)`, stored when it succeeds.
    ///
    /// - Parameter decode: Checks `bytes` as a topic name and builds it.
    mutating func name<Failure: Error>(
        _ bytes: UnsafeRawBufferPointer, decode: (UnsafeRawBufferPointer) throws(Failure) -> String
    ) throws(Failure) -> String {
        guard bytes.count >= Self.minimumLength else { return try decode(bytes) }
        let hash = Self.hash(of: bytes)
        let slot = Int(truncatingIfNeeded: hash >> 60) & (Self.slotCount - 1)
        if slots.isEmpty {
            slots = Array(repeating: (0, ""), count: Self.slotCount)
        } else if slots[slot].hash == hash {
            let candidate = slots[slot].name
            let equal = candidate.utf8.withContiguousStorageIfAvailable { stored in
                stored.count == bytes.count && Self.equal(UnsafeRawBufferPointer(stored), bytes)
            }
            if equal == true { return candidate }
        }
        let name = try decode(bytes)
        slots[slot] = (hash, name)
        return name
    }

    /// A hash of the length and of the first, middle and last eight bytes (`bytes` holds at
    /// least 16), where names on one client's topics tend to differ (a thing or device name, the
    /// last level). Names equal there share a slot, and only take turns.
    private static func hash(of bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        hash = (hash ^ bytes.loadUnaligned(as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        hash = (hash ^ bytes.loadUnaligned(fromByteOffset: count / 2 - 4, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        hash = (hash ^ bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        return hash
    }

    /// Whether two buffers of the same length (at least 8 bytes) hold the same bytes.
    private static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset + 8 <= lhs.count {
            guard
                lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    == rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        guard offset < lhs.count else { return true }
        let last = lhs.count - 8
        return lhs.loadUnaligned(fromByteOffset: last, as: UInt64.self)
            == rhs.loadUnaligned(fromByteOffset: last, as: UInt64.self)
    }
}
