import NIOCore
import Testing
@testable import MQTT5

/// MQTT 3.1: the 3.1.1 encoding with protocol name `MQIsdp` and level 3 in CONNECT.
@Suite("Codec: MQTT 3.1")
struct CodecProtocol31Tests {
    @Test("CONNECT 3.1 is MQIsdp level 3 and decodes back as 3.1")
    func connect() throws {
        let connect = MQTTConnectPacket(
            protocolVersion: .v3_1, cleanStart: true, keepAlive: 60, clientIdentifier: "dev",
            username: "u", password: ByteBuffer(string: "p"))
        let bytes = try CodecTestSupport.encode(.connect(connect), .v3_1)
        let expected: [UInt8] =
            [0x10, 23, 0, 6] + Array("MQIsdp".utf8) + [3, 0xC2, 0, 60, 0, 3] + Array("dev".utf8)
            + [0, 1, UInt8(ascii: "u"), 0, 1, UInt8(ascii: "p")]
        #expect(bytes == expected)
        let decoded = try CodecTestSupport.decodeOne(bytes, .v5_0)
        #expect(decoded == .connect(connect))
    }

    @Test("A mismatched name and level (MQTT level 3, MQIsdp level 4) is refused as an unsupported protocol")
    func mismatchedNameAndLevel() {
        for (name, level) in [("MQTT", UInt8(3)), ("MQIsdp", UInt8(4))] {
            let body: [UInt8] = [0, UInt8(name.utf8.count)] + Array(name.utf8) + [level, 0x02, 0, 60, 0, 1, 0x61]
            let error = CodecTestSupport.decodeError([0x10, UInt8(body.count)] + body, .v5_0)
            #expect(error?.unsupportedProtocolLevel == level, "\(String(describing: error))")
        }
    }

    @Test("CONNACK, SUBACK and PUBLISH use the 3.1.1 forms")
    func otherPackets() throws {
        #expect(try CodecTestSupport.encode(.connAck(MQTTConnAckPacket()), .v3_1) == [0x20, 2, 0, 0])
        let subAck = MQTTSubAckPacket(packetIdentifier: 7, reasonCodes: [.grantedQoS1])
        #expect(try CodecTestSupport.encode(.subAck(subAck), .v3_1) == [0x90, 3, 0, 7, 1])
        #expect(try CodecTestSupport.decodeOne([0x90, 3, 0, 7, 1], .v3_1) == .subAck(subAck))
        #expect(MQTTProtocolVersion.v3_1.description == "3.1")
        #expect(MQTTProtocolVersion.v3_1.protocolName == "MQIsdp")
        #expect(MQTTProtocolVersion.v3_1.isV3 && MQTTProtocolVersion.v3_1_1.isV3 && !MQTTProtocolVersion.v5_0.isV3)
    }
}
