import NIOCore

/// Reads MQTT fields straight from a buffer's readable memory: one `ByteBuffer` access for a
/// whole run of fields instead of one per field, the decoding twin of ``MQTTRawWriter``.
///
/// Every `ByteBuffer` read enters its storage class, which costs a dynamic exclusivity check
/// (`swift_beginAccess`); measured with callgrind, those checks were 26% of the instructions of
/// decoding a PUBLISH with seven properties when each field was read through the buffer.
struct MQTTRawReader {
    private let memory: UnsafeRawBufferPointer
    /// The buffer `memory` belongs to, for Binary Data slices that share its storage.
    private let buffer: ByteBuffer
    /// Where `memory` starts in the readable bytes of `buffer`.
    private let base: Int
    private(set) var offset = 0

    /// A reader of `memory`, the readable bytes of `buffer` from `base` on.
    init(_ memory: UnsafeRawBufferPointer, of buffer: ByteBuffer, at base: Int = 0) {
        self.memory = memory
        self.buffer = buffer
        self.base = base
    }

    var isAtEnd: Bool { offset >= memory.count }

    /// The bytes left to read.
    var remaining: Int { memory.count - offset }

    /// A reader of the next `count` bytes (checked to be there), and moves past them.
    mutating func subReader(_ count: Int, _ what: @autoclosure () -> String) throws(MQTTCodecError) -> MQTTRawReader {
        try need(count, what)
        defer { offset += count }
        return MQTTRawReader(
            UnsafeRawBufferPointer(rebasing: memory[offset..<offset + count]), of: buffer, at: base + offset)
    }

    /// A non-zero packet identifier.
    @inline(__always)
    mutating func packetIdentifier(_ packetType: MQTTPacketType) throws(MQTTCodecError) -> UInt16 {
        let identifier = try uint16("packet identifier of \(packetType)")
        guard identifier != 0 else { throw .protocolError("\(packetType) with packet identifier 0") }
        return identifier
    }

    @inline(__always)
    private func need(_ count: Int, _ what: () -> String) throws(MQTTCodecError) {
        guard memory.count - offset >= count else { throw .malformedPacket("truncated \(what())") }
    }

    @inline(__always)
    mutating func byte(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> UInt8 {
        try need(1, what)
        defer { offset += 1 }
        return memory[offset]
    }

    @inline(__always)
    mutating func uint16(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> UInt16 {
        try need(2, what)
        defer { offset += 2 }
        return UInt16(bigEndian: memory.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    mutating func uint32(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> UInt32 {
        try need(4, what)
        defer { offset += 4 }
        return UInt32(bigEndian: memory.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// A Variable Byte Integer (1 to 4 bytes, minimal encoding).
    mutating func variableByteInteger(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> UInt32 {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        for index in 0..<4 {
            guard offset + index < memory.count else {
                throw .malformedPacket("truncated variable byte integer (\(what()))")
            }
            let byte = memory[offset + index]
            value |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                if index > 0 && byte == 0 { throw .malformedPacket("non-minimal variable byte integer (\(what()))") }
                offset += index + 1
                return value
            }
            shift += 7
        }
        throw .malformedPacket("variable byte integer longer than 4 bytes (\(what()))")
    }

    /// A UTF-8 Encoded String: well-formed, without U+0000.
    mutating func string(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> String {
        try utf8(rejectWildcards: false, what)
    }

    /// A topic name: a UTF-8 Encoded String without `+` and `#`.
    mutating func topicName(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> String {
        try utf8(rejectWildcards: true, what)
    }

    /// A topic name, taken from `cache` when it holds one with the same bytes.
    mutating func topicName(
        _ what: @autoclosure () -> String, cache: inout MQTTTopicNameCache
    ) throws(MQTTCodecError) -> String {
        try cache.name(try lengthPrefixedBytes(what)) { bytes throws(MQTTCodecError) in
            switch MQTTUTF8.decode(bytes, rejectWildcards: true) {
            case .string(let name): return name
            case .problem(let problem): throw problem.error(what())
            }
        }
    }

    private mutating func utf8(rejectWildcards: Bool, _ what: () -> String) throws(MQTTCodecError) -> String {
        switch MQTTUTF8.decode(try lengthPrefixedBytes(what), rejectWildcards: rejectWildcards) {
        case .string(let string): return string
        case .problem(let problem): throw problem.error(what())
        }
    }

    /// Checks a UTF-8 Encoded String (well-formed, without U+0000) and moves past it without
    /// building it.
    mutating func skipString(_ what: @autoclosure () -> String) throws(MQTTCodecError) {
        _ = try skipUTF8(rejectWildcards: false, what)
    }

    /// Checks a topic name (a UTF-8 Encoded String without `+` and `#`) and moves past it
    /// without building it.
    ///
    /// - Returns: Its length in bytes.
    mutating func skipTopicName(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> Int {
        try skipUTF8(rejectWildcards: true, what)
    }

    private mutating func skipUTF8(rejectWildcards: Bool, _ what: () -> String) throws(MQTTCodecError) -> Int {
        let bytes = try lengthPrefixedBytes(what)
        if let problem = MQTTUTF8.validate(bytes, rejectWildcards: rejectWildcards) { throw problem.error(what()) }
        return bytes.count
    }

    /// A two-byte length and that many bytes, which it moves past.
    private mutating func lengthPrefixedBytes(_ what: () -> String) throws(MQTTCodecError) -> UnsafeRawBufferPointer {
        let length = Int(try uint16("length of \(what())"))
        try need(length, what)
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: memory[offset..<offset + length])
    }

    /// Moves past Binary Data (a two-byte length and that many bytes).
    mutating func skipBinary(_ what: @autoclosure () -> String) throws(MQTTCodecError) {
        _ = try lengthPrefixedBytes(what)
    }

    /// Moves past the value of a property, by its wire type only (for a list already checked).
    mutating func skipValue(of identifier: MQTTPropertyIdentifier) throws(MQTTCodecError) {
        switch identifier {
        case .payloadFormatIndicator, .requestProblemInformation, .requestResponseInformation, .maximumQoS,
            .retainAvailable, .wildcardSubscriptionAvailable, .subscriptionIdentifiersAvailable,
            .sharedSubscriptionAvailable:
            _ = try byte("\(identifier)")
        case .serverKeepAlive, .receiveMaximum, .topicAliasMaximum, .topicAlias:
            _ = try uint16("\(identifier)")
        case .messageExpiryInterval, .sessionExpiryInterval, .willDelayInterval, .maximumPacketSize:
            _ = try uint32("\(identifier)")
        case .subscriptionIdentifier:
            _ = try variableByteInteger("\(identifier)")
        case .contentType, .responseTopic, .assignedClientIdentifier, .authenticationMethod, .responseInformation,
            .serverReference, .reasonString, .correlationData, .authenticationData:
            try skipBinary("\(identifier)")
        case .userProperty:
            try skipBinary("User Property name")
            try skipBinary("User Property value")
        }
    }

    /// Binary Data: a two-byte length and that many bytes, as a slice sharing the buffer's storage.
    mutating func binary(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> ByteBuffer {
        let length = Int(try uint16("length of \(what())"))
        try need(length, what)
        defer { offset += length }
        // In range: `memory` is the buffer's readable bytes.
        return buffer.getSlice(at: buffer.readerIndex + base + offset, length: length)!
    }
}
