import NIOCore

extension ByteBuffer {
    /// Writes a UTF-8 Encoded String (two-byte length, then the bytes). The caller has checked
    /// the length with ``MQTTEncodingValidation/stringSize(_:_:)``.
    @inline(__always)
    mutating func writeMQTTString(_ string: String) {
        let lengthIndex = writerIndex
        writeInteger(UInt16(0))
        let written = writeString(string)
        setInteger(UInt16(truncatingIfNeeded: written), at: lengthIndex)
    }

    /// Writes Binary Data (two-byte length, then the bytes).
    @inline(__always)
    mutating func writeMQTTBinary(_ data: ByteBuffer) {
        writeInteger(UInt16(truncatingIfNeeded: data.readableBytes))
        writeImmutableBuffer(data)
    }
}

/// Checks of what the sender must guarantee, returning encoded sizes.
enum MQTTEncodingValidation {
    /// The encoded size of a UTF-8 string field, checking length and U+0000.
    @inline(__always)
    static func stringSize(_ string: String, _ what: @autoclosure () -> String) throws(MQTTCodecError) -> Int {
        let count = string.utf8.count
        guard count <= 65_535 else { throw .protocolError("\(what()) longer than 65,535 bytes") }
        guard !MQTTUTF8.containsNull(string) else { throw .protocolError("\(what()) contains U+0000") }
        return 2 + count
    }

    /// The encoded size of a binary field, checking its length.
    @inline(__always)
    static func binarySize(_ data: ByteBuffer, _ what: @autoclosure () -> String) throws(MQTTCodecError) -> Int {
        guard data.readableBytes <= 65_535 else { throw .protocolError("\(what()) longer than 65,535 bytes") }
        return 2 + data.readableBytes
    }

    /// The encoded size of a topic name, checking it has no wildcard. Empty is allowed when
    /// `allowEmpty` (a PUBLISH with a topic alias).
    static func topicNameSize(_ topic: String, allowEmpty: Bool, _ what: @autoclosure () -> String) throws(MQTTCodecError) -> Int {
        if topic.isEmpty {
            guard allowEmpty else { throw .protocolError("\(what()) is empty") }
            return 2
        }
        do {
            try MQTTTopic.validateName(topic)
        } catch {
            throw .protocolError("\(what()) is invalid: \(error)")
        }
        return 2 + topic.utf8.count
    }

    /// A packet identifier must not be 0.
    @inline(__always)
    static func checkPacketIdentifier(_ identifier: UInt16, _ packetType: MQTTPacketType) throws(MQTTCodecError) {
        guard identifier != 0 else { throw .protocolError("\(packetType) with packet identifier 0") }
    }
}
