import NIOCore

extension ByteBuffer {
    /// Reads one byte of a packet body.
    @inline(__always)
    mutating func readMQTTByte(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> UInt8 {
        guard let value: UInt8 = readInteger() else { throw .malformedPacket("truncated \(what())") }
        return value
    }

    /// Reads a Two Byte Integer of a packet body.
    @inline(__always)
    mutating func readMQTTUInt16(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> UInt16 {
        guard let value: UInt16 = readInteger() else { throw .malformedPacket("truncated \(what())") }
        return value
    }

    /// Reads a Four Byte Integer of a packet body.
    @inline(__always)
    mutating func readMQTTUInt32(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> UInt32 {
        guard let value: UInt32 = readInteger() else { throw .malformedPacket("truncated \(what())") }
        return value
    }

    /// Reads a non-zero packet identifier.
    @inline(__always)
    mutating func readMQTTPacketIdentifier(_ packetType: MQTTPacketType) throws(MQTTCodecError) -> UInt16 {
        let identifier = try readMQTTUInt16("packet identifier of \(packetType)")
        guard identifier != 0 else { throw .protocolError("\(packetType) with packet identifier 0") }
        return identifier
    }

    /// Reads a Variable Byte Integer inside a packet body (1 to 4 bytes, minimal encoding).
    mutating func readMQTTVariableByteInteger(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> UInt32 {
        switch MQTTVariableByteInteger.peek(self, at: readerIndex) {
        case .value(let value, let length):
            moveReaderIndex(forwardBy: length)
            return value
        case .needMoreBytes:
            throw .malformedPacket("truncated variable byte integer (\(what()))")
        case .invalid(let problem):
            throw .malformedPacket("\(problem) (\(what()))")
        }
    }

    /// Reads a UTF-8 Encoded String: a two-byte length and that many bytes of well-formed UTF-8
    /// without U+0000 (MQTT 5 section 1.5.4).
    mutating func readMQTTString(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> String {
        let length = try readMQTTUInt16("length of \(what())")
        return try readMQTTUTF8(length: Int(length), rejectWildcards: false, what())
    }

    /// Reads `length` bytes of well-formed UTF-8 without U+0000 (and, when `rejectWildcards`,
    /// without `+` and `#`, a protocol error).
    mutating func readMQTTUTF8(
        length: Int,
        rejectWildcards: Bool,
        _ what: @autoclosure () -> String
    ) throws(MQTTCodecError) -> String {
        guard readableBytes >= length else { throw .malformedPacket("truncated \(what())") }
        let decoded: MQTTUTF8.Result = withUnsafeReadableBytes { raw in
            MQTTUTF8.decode(UnsafeRawBufferPointer(rebasing: raw[..<length]), rejectWildcards: rejectWildcards)
        }
        switch decoded {
        case .string(let string):
            moveReaderIndex(forwardBy: length)
            return string
        case .problem(let problem):
            throw problem.error(what())
        }
    }

    /// Reads Binary Data: a two-byte length and that many bytes, as a slice sharing storage.
    mutating func readMQTTBinary(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> ByteBuffer {
        let length = try readMQTTUInt16("length of \(what())")
        guard let slice = readSlice(length: Int(length)) else { throw .malformedPacket("truncated \(what())") }
        return slice
    }

    /// Reads a topic name: a UTF-8 string without the wildcards `+` and `#`. It may be empty;
    /// callers decide whether that is allowed.
    mutating func readMQTTTopicName(_ what: @autoclosure () -> String) throws(MQTTCodecError) -> String {
        let length = try readMQTTUInt16("length of \(what())")
        return try readMQTTUTF8(length: Int(length), rejectWildcards: true, what())
    }
}
