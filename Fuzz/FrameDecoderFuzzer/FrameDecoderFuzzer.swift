#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CLibFuzzerDriver
import FuzzSupport
import MQTT5
import NIOCore

/// The fuzz target: decodes arbitrary bytes with ``MQTTFrameDecoder`` and checks that every
/// decoded packet survives an encode-decode round trip unchanged.
///
/// The first input byte selects the decoder's settings (bit 0: protocol version; bits 1-2: a
/// maximum packet size of 64, 1,024, 65,536 bytes or the protocol maximum); the rest is the
/// byte stream. Any asymmetry calls `fatalError`, which the fuzzer reports as a crash.
enum FrameDecoderFuzzer {
    static let packetSizeLimits: [UInt32] = [64, 1_024, 65_536, 268_435_460]

    /// Runs one input. Returns the number of packets decoded; traps on an asymmetry.
    @discardableResult
    static func run(_ input: UnsafeRawBufferPointer) -> Int {
        guard let settings = input.first else { return 0 }
        let version: MQTTProtocolVersion = settings & 1 == 0 ? .v5_0 : .v3_1_1
        let limit = packetSizeLimits[Int((settings >> 1) & 0x03)]
        var buffer = ByteBuffer(bytes: input.dropFirst())
        var decoder = MQTTFrameDecoder(version: version, maximumPacketSize: limit)
        var count = 0
        while true {
            let versionBefore = decoder.version
            let readerIndex = buffer.readerIndex
            let packet: MQTTPacket?
            do {
                packet = try decoder.decode(&buffer)
            } catch {
                guard buffer.readerIndex == readerIndex else { fatalError("a failed decode consumed bytes: \(error)") }
                guard [.malformedPacket, .protocolError, .packetTooLarge].contains(error.reasonCode),
                    !error.message.isEmpty
                else {
                    fatalError("unexpected error \(error)")
                }
                return count
            }
            guard let packet else {
                guard buffer.readerIndex == readerIndex else { fatalError("an incomplete frame consumed bytes") }
                return count
            }
            count += 1
            let consumed = buffer.readerIndex - readerIndex
            guard consumed <= Int(limit) else {
                fatalError("accepted a \(consumed)-byte frame over the \(limit) limit")
            }
            checkRoundTrip(packet, version: versionBefore, frameSize: consumed)
        }
    }

    /// Encodes `packet` and decodes the result, which must give `packet` back.
    static func checkRoundTrip(_ packet: MQTTPacket, version: MQTTProtocolVersion, frameSize: Int) {
        var encoded = ByteBuffer()
        do {
            try packet.encode(into: &encoded, version: version)
        } catch {
            // The decoder leaves topic filter syntax to the server (SUBACK/UNSUBACK 0x8F); the
            // encoder refuses invalid filters. Every other refusal is an asymmetry.
            if hasInvalidFilter(packet) { return }
            fatalError("decoded packet does not encode: \(error)\n\(packet)")
        }
        // Canonical encodings (short forms, minimal lengths) are never longer than the input.
        guard encoded.readableBytes <= frameSize else {
            fatalError("re-encoding grew the frame from \(frameSize) to \(encoded.readableBytes) bytes\n\(packet)")
        }
        var decoder = MQTTFrameDecoder(version: version)
        let size = encoded.readableBytes
        do {
            guard let again = try decoder.decode(&encoded), encoded.readableBytes == 0 else {
                fatalError("re-encoded frame of \(size) bytes did not decode completely\n\(packet)")
            }
            guard again == packet else { fatalError("decode(encode(p)) != p\n\(packet)\n\(again)") }
        } catch {
            fatalError("re-encoded packet does not decode: \(error)\n\(packet)")
        }
    }

    static func hasInvalidFilter(_ packet: MQTTPacket) -> Bool {
        switch packet {
        case .subscribe(let subscribe): subscribe.subscriptions.contains { !MQTTTopic.isValidFilter($0.topicFilter) }
        case .unsubscribe(let unsubscribe): unsubscribe.topicFilters.contains { !MQTTTopic.isValidFilter($0) }
        default: false
        }
    }
}

/// The program's entry point.
///
/// Built with `-DFUZZING -sanitize=fuzzer`, it hands control to libFuzzer's driver with
/// ``FrameDecoderFuzzer/run(_:)`` as the fuzz target (SwiftPM makes this function `main`, so
/// libFuzzer's own `main` is not used); `--write-seeds DIRECTORY` first writes the seed corpus. Otherwise it replays corpus files given as arguments
/// (`FrameDecoderFuzzer FILE...`) or writes the seed corpus (`--write-seeds DIRECTORY`).
@main
enum FrameDecoderFuzzerMain {
    static func main() throws {
        #if FUZZING
            if try FuzzerCommandLine.writeSeedsIfAsked(Array(CommandLine.arguments.dropFirst()), seeds: FuzzSeeds.all) {
                return
            }
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(
                LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                    guard let data else { return 0 }
                    FrameDecoderFuzzer.run(UnsafeRawBufferPointer(start: data, count: size))
                    return 0
                })
        #else
            try FuzzerCommandLine.run(Array(CommandLine.arguments.dropFirst()), seeds: FuzzSeeds.all) { input in
                "\(FrameDecoderFuzzer.run(input)) packets decoded, no asymmetry"
            }
        #endif
    }
}
