import NIOCore

/// Checks of what the sender must guarantee, returning encoded sizes.
enum MQTTEncodingValidation {
    /// The encoded size of a UTF-8 string field, checking length and U+0000.
    @inline(__always)
    static func stringSize(_ string: String, _ what: @autoclosure () -> String) throws(MQTTCodecError) -> Int {
        let count = string.utf8.count
        guard count <= 65_535 else { throw .protocolError("\(what()) longer than 65,535 bytes") }
        guard !MQTTUTF8.scan(string).hasNull else { throw .protocolError("\(what()) contains U+0000") }
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
    static func topicNameSize(
        _ topic: String, allowEmpty: Bool, _ what: @autoclosure () -> String
    ) throws(MQTTCodecError) -> Int {
        if topic.isEmpty {
            guard allowEmpty else { throw .protocolError("\(what()) is empty") }
            return 2
        }
        let count = topic.utf8.count
        guard count <= MQTTTopic.maximumLength else { throw .protocolError("\(what()) longer than 65,535 bytes") }
        let scan = MQTTUTF8.scan(topic)
        guard !scan.hasNull else { throw .protocolError("\(what()) contains U+0000") }
        guard !scan.hasWildcard else { throw .protocolError("\(what()) \"\(topic)\" contains a wildcard") }
        return 2 + count
    }

    /// A packet identifier must not be 0.
    @inline(__always)
    static func checkPacketIdentifier(_ identifier: UInt16, _ packetType: MQTTPacketType) throws(MQTTCodecError) {
        guard identifier != 0 else { throw .protocolError("\(packetType) with packet identifier 0") }
    }
}
