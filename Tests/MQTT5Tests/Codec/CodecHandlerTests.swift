import NIOCore
import NIOEmbedded
import Testing
@testable import MQTT5

@Suite("Codec NIO handlers")
struct CodecHandlerTests {
    static func makeChannel(_ settings: MQTTCodecSettings) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(MQTTPacketDecoder(settings: settings)),
            MessageToByteHandler(MQTTPacketEncoder(settings: settings)),
        ])
        return channel
    }

    @Test("the decoder handler turns bytes fed one at a time into packets")
    func decodesByteByByte() throws {
        let settings = MQTTCodecSettings(version: .v5_0)
        let channel = try Self.makeChannel(settings)
        defer { _ = try? channel.finish() }
        let vectors = MQTTPacketVectors.v5
        for byte in vectors.flatMap(\.bytes) {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        var received: [MQTTPacket] = []
        while let packet = try channel.readInbound(as: MQTTPacket.self) { received.append(packet) }
        #expect(received == vectors.map(\.packet))
    }

    @Test("the encoder handler writes the encoded frame")
    func encodes() throws {
        let settings = MQTTCodecSettings(version: .v3_1_1)
        let channel = try Self.makeChannel(settings)
        defer { _ = try? channel.finish() }
        for vector in MQTTPacketVectors.v311 {
            try channel.writeOutbound(vector.packet)
            let bytes = try #require(try channel.readOutbound(as: ByteBuffer.self))
            #expect(Array(bytes.readableBytesView) == vector.bytes, "\(vector.name)")
        }
    }

    @Test("switching the shared version changes both directions")
    func switchesVersion() throws {
        let settings = MQTTCodecSettings(version: .v3_1_1)
        let channel = try Self.makeChannel(settings)
        defer { _ = try? channel.finish() }
        let pubAck = MQTTPacket.pubAck(MQTTPubAckPacket(packetIdentifier: 1, reasonCode: .quotaExceeded))
        try channel.writeOutbound(pubAck)
        #expect(
            try channel.readOutbound(as: ByteBuffer.self).map { Array($0.readableBytesView) } == [
                0x40, 0x02, 0x00, 0x01,
            ])
        settings.version = .v5_0
        try channel.writeOutbound(pubAck)
        #expect(
            try channel.readOutbound(as: ByteBuffer.self).map { Array($0.readableBytesView) } == [
                0x40, 0x03, 0x00, 0x01, 0x97,
            ])
        try channel.writeInbound(ByteBuffer(bytes: [0x40, 0x03, 0x00, 0x01, 0x97]))
        #expect(try channel.readInbound(as: MQTTPacket.self) == pubAck)
    }

    @Test("a server-side decoder adopts the version of the CONNECT it decodes")
    func adoptsConnectVersion() throws {
        let settings = MQTTCodecSettings(version: .v5_0)
        let channel = try Self.makeChannel(settings)
        defer { _ = try? channel.finish() }
        let connect = MQTTPacketVectors.v311[0]
        try channel.writeInbound(ByteBuffer(bytes: connect.bytes))
        #expect(try channel.readInbound(as: MQTTPacket.self) == connect.packet)
        #expect(settings.version == .v3_1_1)
    }

    @Test("a malformed frame fails with the codec error")
    func malformedFails() throws {
        let settings = MQTTCodecSettings(version: .v5_0)
        let channel = try Self.makeChannel(settings)
        defer { _ = try? channel.finish() }
        #expect(throws: MQTTCodecError.malformedPacket("PUBLISH with QoS 3")) {
            try channel.writeInbound(ByteBuffer(bytes: [0x36, 0x05, 0x00, 0x01, 0x74, 0x00, 0x01]))
        }
    }

    @Test("a frame over the incoming limit fails on its fixed header")
    func tooLargeFails() throws {
        let settings = MQTTCodecSettings(version: .v5_0, maximumIncomingPacketSize: 100)
        let channel = try Self.makeChannel(settings)
        defer { _ = try? channel.finish() }
        do {
            try channel.writeInbound(ByteBuffer(bytes: [0x30, 0xE8, 0x07]))  // remaining length 1000
            Issue.record("expected packet too large")
        } catch let error as MQTTCodecError {
            #expect(error.reasonCode == .packetTooLarge)
        }
    }

    @Test("the encoder refuses a frame over the outgoing limit")
    func outgoingLimit() throws {
        let settings = MQTTCodecSettings(version: .v5_0, maximumOutgoingPacketSize: 10)
        let channel = try Self.makeChannel(settings)
        defer { _ = try? channel.finish() }
        let publish = MQTTPacket.publish(MQTTPublishPacket(topic: "t", payload: ByteBuffer(repeating: 0, count: 20)))
        #expect(throws: MQTTCodecError.self) { try channel.writeOutbound(publish) }
    }
}
