import NIOCore
import Testing

@testable import MQTT5

/// The decoder checks a received property list without building it (`Fields.checkList`); reading
/// the list (`Fields.readList`) applies the same rules while it builds the properties. These
/// tests feed both the same random lists, valid and not, in every packet context, and expect the
/// same verdict and the same error.
@Suite("Codec property list checking")
struct CodecPropertyCheckTests {
    static let contexts: [MQTTPropertyContext] = [
        .connect, .connAck, .publish, .will, .pubAck, .pubRec, .pubRel, .pubComp, .subscribe, .subAck, .unsubscribe,
        .unsubAck, .disconnect, .auth,
    ]

    /// A property value's bytes: usually of the identifier's wire type with edge values, at
    /// times of another type or cut short.
    static func value(for identifier: UInt8, _ random: inout SplitMix64) -> [UInt8] {
        let pieces: [[UInt8]] = [
            Array("ok".utf8), [0x00], Array("a/+".utf8), Array("#".utf8), [0xC3, 0xA4], [0xFF], [0xED, 0xA0, 0x80],
            Array("topic/name".utf8), [0xF0, 0x9F, 0x98, 0x80], [0xC3],
        ]
        func string() -> [UInt8] {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                bytes += pieces.randomElement(using: &random)!
            }
            var length = UInt16(bytes.count)
            if Int.random(in: 0..<12, using: &random) == 0 { length += 1 }  // longer than what follows
            return [UInt8(length >> 8), UInt8(length & 0xFF)] + bytes
        }
        let edges: [UInt8] = [0, 1, 2, 0xFF]
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return []  // truncated
        case 1: return [edges.randomElement(using: &random)!]
        case 2: return string()
        default: break
        }
        switch identifier {
        case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A:
            return [edges.randomElement(using: &random)!]
        case 0x13, 0x21, 0x22, 0x23:
            return [0, edges.randomElement(using: &random)!]
        case 0x02, 0x11, 0x18, 0x27:
            return [0, 0, 0, edges.randomElement(using: &random)!]
        case 0x0B:
            return Bool.random(using: &random) ? [edges.randomElement(using: &random)! & 0x7F] : [0x80, 0x80, 0x01]
        case 0x26:
            return string() + string()
        default:
            return string()
        }
    }

    static func randomList(_ random: inout SplitMix64) -> [UInt8] {
        let known: [UInt8] = [
            0x01, 0x02, 0x03, 0x08, 0x09, 0x0B, 0x11, 0x12, 0x13, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1C, 0x1F, 0x21,
            0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A,
        ]
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            let identifier =
                Int.random(in: 0..<20, using: &random) == 0
                ? UInt8.random(in: 0...0x30, using: &random) : known.randomElement(using: &random)!
            bytes.append(identifier)
            bytes += value(for: identifier, &random)
        }
        return bytes
    }

    static func verdict(_ bytes: [UInt8], _ context: MQTTPropertyContext, building: Bool) -> String {
        let buffer = ByteBuffer(bytes: bytes)
        return buffer.withUnsafeReadableBytes { memory in
            var reader = MQTTRawReader(memory, of: buffer)
            do throws(MQTTCodecError) {
                if building {
                    var fields = MQTTProperties.Fields()
                    try fields.readList(from: &reader, in: context)
                } else {
                    try MQTTProperties.Fields.checkList(from: &reader, in: context)
                }
                return "valid"
            } catch {
                return "\(error)"
            }
        }
    }

    @Test("checking a list and reading it agree on random lists in every context")
    func checkingAgreesWithReading() {
        var random = SplitMix64(seed: 0x5EED_0001)
        var valid = 0
        var invalid = 0
        for _ in 0..<20_000 {
            let bytes = Self.randomList(&random)
            let context = Self.contexts.randomElement(using: &random)!
            let checked = Self.verdict(bytes, context, building: false)
            let read = Self.verdict(bytes, context, building: true)
            #expect(checked == read, "\(bytes) in \(context)")
            if checked == "valid" { valid += 1 } else { invalid += 1 }
        }
        // Both kinds were exercised, so agreement means something.
        #expect(valid > 1_000)
        #expect(invalid > 1_000)
    }
}
