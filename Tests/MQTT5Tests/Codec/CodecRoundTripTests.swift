import NIOCore
import PropertyBased
import Testing
@testable import MQTT5

@Suite("Codec round trips of random packets")
struct CodecRoundTripTests {
    /// A generator of random valid packets for `version`.
    static func packets(_ version: MQTTProtocolVersion) -> Generator<MQTTPacket, Shrink.None<MQTTPacket>> {
        Generator { rng in make(version, &rng) }
    }

    private static func make(_ version: MQTTProtocolVersion, _ rng: inout some RandomNumberGenerator) -> MQTTPacket {
        var random = RandomPacket(version: version, rng: rng)
        defer { rng = random.rng }
        return random.packet()
    }

    @Test("decode(encode(p)) == p and re-encoding gives the same bytes", arguments: MQTTProtocolVersion.allCases)
    func roundTrip(_ version: MQTTProtocolVersion) async {
        await propertyCheck(count: 1000, input: Self.packets(version)) { packet in
            let bytes = try CodecTestSupport.encode(packet, version)
            let decoded = try CodecTestSupport.decodeOne(bytes, version)
            #expect(decoded == packet)
            if let decoded {
                #expect(try CodecTestSupport.encode(decoded, version) == bytes)
            }
        }
    }

    @Test(
        "a stream of packets cut at random points decodes to the same packets", arguments: MQTTProtocolVersion.allCases)
    func chunkedStream(_ version: MQTTProtocolVersion) async {
        await propertyCheck(count: 200, input: Self.packets(version).array(of: 1...8), Gen.int(in: 1...64)) {
            packets, chunkSize in
            var stream = ByteBuffer()
            for packet in packets { try packet.encode(into: &stream, version: version) }
            var decoder = MQTTFrameDecoder(version: version)
            var received = ByteBuffer()
            var decoded: [MQTTPacket] = []
            while stream.readableBytes > 0 {
                var chunk = stream.readSlice(length: min(chunkSize, stream.readableBytes))!
                received.writeBuffer(&chunk)
                while let packet = try decoder.decode(&received) { decoded.append(packet) }
            }
            #expect(decoded == packets)
            #expect(received.readableBytes == 0)
        }
    }

    @Test("the encoder's frame size matches the maximum packet size check exactly")
    func frameSizeLimit() async {
        await propertyCheck(count: 200, input: Self.packets(.v5_0)) { packet in
            let size = try CodecTestSupport.encode(packet, .v5_0).count
            var buffer = ByteBuffer()
            try packet.encode(into: &buffer, version: .v5_0, maximumPacketSize: UInt32(size))
            #expect(
                CodecTestSupport.encodeError(packet, .v5_0, maximumPacketSize: UInt32(size - 1))?.reasonCode
                    == .packetTooLarge)
            #expect(
                CodecTestSupport.decodeError(
                    Array(buffer.readableBytesView), .v5_0, maximumPacketSize: UInt32(size - 1))?.reasonCode
                    == .packetTooLarge)
        }
    }
}
