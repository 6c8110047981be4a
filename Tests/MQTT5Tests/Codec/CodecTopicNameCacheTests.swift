import NIOCore
import Testing

@testable import MQTT5

/// One `MQTTFrameDecoder` reuses the topic names it received last (`MQTTTopicNameCache`); these
/// check that a reused name is always the name received.
@Suite("Codec topic name cache")
struct CodecTopicNameCacheTests {
    private static func frame(_ topic: String, qos: MQTTQoS = .atLeastOnce) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        let packet = MQTTPublishPacket(
            topic: topic, payload: ByteBuffer(string: "{}"), qos: qos, packetIdentifier: qos == .atMostOnce ? nil : 7)
        try MQTTPacket.publish(packet).encode(into: &buffer, version: .v5_0)
        return buffer
    }

    private static func decodedTopic(_ frame: ByteBuffer, with decoder: inout MQTTFrameDecoder) throws -> String? {
        var input = frame
        guard case .publish(let publish)? = try decoder.decode(&input) else { return nil }
        return publish.topic
    }

    @Test("names that differ in one byte, in length or only past the first words decode as sent")
    func nearNames() throws {
        var topics: [String] = []
        for thing in 0..<40 {
            topics.append("$aws/things/thing-\(thing)/shadow/get/accepted")
            topics.append("$aws/things/thing-\(thing)/shadow/get/rejected")
        }
        topics += ["0123456789abcdef", "0123456789abcdeg", "0123456789abcdef0", "x0123456789abcdef", "short", ""]
        topics += (0..<20).map { "0123456789abcdef-\($0)" }  // differ only past the last whole word
        topics.append(String(repeating: "a/", count: 200) + "é")
        topics.append(String(repeating: "a/", count: 200) + "è")
        let frames = try topics.filter { !$0.isEmpty }.map { try Self.frame($0) }
        var decoder = MQTTFrameDecoder(version: .v5_0)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let index = Int.random(in: 0..<frames.count, using: &generator)
            #expect(try Self.decodedTopic(frames[index], with: &decoder) == topics.filter { !$0.isEmpty }[index])
        }
    }

    @Test("random names, ASCII and not, decode as sent from one decoder")
    func randomNames() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019/_-$é€😀")
        let topics = (0..<64).map { _ in
            String(
                (0..<Int.random(in: 1...70, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        let frames = try topics.map { try Self.frame($0, qos: .atMostOnce) }
        var decoder = MQTTFrameDecoder(version: .v5_0)
        for _ in 0..<5_000 {
            let index = Int.random(in: 0..<frames.count, using: &generator)
            #expect(try Self.decodedTopic(frames[index], with: &decoder) == topics[index])
        }
    }

    @Test("a malformed name is refused even when a valid one of the same length was received")
    func malformedAfterValid() throws {
        var decoder = MQTTFrameDecoder(version: .v5_0)
        let valid = "devices/sensor-1/telemetry"
        #expect(try Self.decodedTopic(Self.frame(valid), with: &decoder) == valid)
        #expect(try Self.decodedTopic(Self.frame(valid), with: &decoder) == valid)
        // The same frame with one byte of the name turned into a wildcard, then into invalid UTF-8.
        let offset = 2 + 2 + valid.utf8.count - 1  // fixed header, name length, last byte of the name
        for (byte, kind) in [(UInt8(ascii: "#"), "wildcard"), (0xFF, "invalid UTF-8")] {
            var frame = try Self.frame(valid)
            frame.setInteger(byte, at: offset)
            #expect(throws: MQTTCodecError.self, "\(kind)") { _ = try Self.decodedTopic(frame, with: &decoder) }
            #expect(try Self.decodedTopic(Self.frame(valid), with: &decoder) == valid)
        }
    }
}
