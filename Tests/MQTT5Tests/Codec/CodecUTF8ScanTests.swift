import PropertyBased
import Testing
@testable import MQTT5

@Suite("Codec UTF-8 scan")
struct CodecUTF8ScanTests {
    /// The byte-at-a-time definition the word-at-a-time scan must agree with.
    static func naiveScan(_ bytes: [UInt8]) -> (hasNull: Bool, hasWildcard: Bool, isASCII: Bool) {
        (bytes.contains(0), bytes.contains { $0 == 0x2B || $0 == 0x23 }, bytes.allSatisfy { $0 < 0x80 })
    }

    @Test("the word-at-a-time scan agrees with a byte-at-a-time scan")
    func agreesWithNaiveScan() async {
        // Bytes biased towards the interesting values: 0, '+', '#', 0x7F, 0x80, 0xFF and their neighbours.
        let specials: [UInt8] = [0x00, 0x01, 0x22, 0x23, 0x24, 0x2A, 0x2B, 0x2C, 0x61, 0x7F, 0x80, 0x81, 0xC3, 0xFF]
        let byte = Gen<UInt8?>.element(of: specials)
        await propertyCheck(count: 2_000, input: byte.array(of: 0...40)) { input in
            let bytes = input.compactMap { $0 }
            let scan = bytes.withUnsafeBufferPointer { MQTTUTF8.scan($0) }
            let expected = Self.naiveScan(bytes)
            #expect(scan.hasNull == expected.hasNull)
            #expect(scan.hasWildcard == expected.hasWildcard)
            #expect(scan.isASCII == expected.isASCII)
        }
    }

    @Test("each special byte is found at every position of a 17-byte run")
    func everyPosition() {
        for special: UInt8 in [0x00, 0x2B, 0x23, 0x80] {
            for position in 0..<17 {
                var bytes = [UInt8](repeating: 0x61, count: 17)
                bytes[position] = special
                let scan = bytes.withUnsafeBufferPointer { MQTTUTF8.scan($0) }
                #expect(scan.hasNull == (special == 0x00), "byte \(special) at \(position)")
                #expect(scan.hasWildcard == (special == 0x2B || special == 0x23), "byte \(special) at \(position)")
                #expect(scan.isASCII == (special != 0x80), "byte \(special) at \(position)")
            }
        }
    }

    @Test("checking without building a string agrees with decoding")
    func validateAgreesWithDecode() async {
        let specials: [UInt8] = [
            0x00, 0x23, 0x2B, 0x61, 0x7F, 0x80, 0xBF, 0xC3, 0xA4, 0xE2, 0x82, 0xAC, 0xED, 0xA0, 0xF4, 0xFF,
        ]
        let byte = Gen<UInt8?>.element(of: specials)
        await propertyCheck(count: 2_000, input: byte.array(of: 0...24), Gen.bool) { input, rejectWildcards in
            let bytes = input.compactMap { $0 }
            bytes.withUnsafeBytes { raw in
                let problem = MQTTUTF8.validate(raw, rejectWildcards: rejectWildcards)
                switch MQTTUTF8.decode(raw, rejectWildcards: rejectWildcards) {
                case .string: #expect(problem == nil, "\(bytes)")
                case .problem(let expected): #expect(problem == expected, "\(bytes)")
                }
            }
        }
    }
}
