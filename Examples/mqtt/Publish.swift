import ArgumentParser
import Foundation
import MQTT5
import MQTT5Persistence
import NIOCore

/// `mqtt pub`: publishes a message (`--count` times) and waits for the acknowledgements.
///
/// With `--session-store`, publishing survives the process: each publish is committed to the
/// store (with the next sequence number) before it leaves, a restarted `mqtt pub` with the same
/// store first completes what the store holds and then carries on from where the killed one
/// stopped, so `-m 'msg %n' --count N` sends every number from 1 to N once.
struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pub", abstract: "Publish a message.")

    /// The store's metadata key of the next sequence number.
    static let nextSequenceKey = "mqtt.pub.next"
    /// Publishes awaiting their acknowledgement at once.
    static let window = 64

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("t"), .long], help: "Topic to publish to.")
    var topic: String

    @Option(name: [.customShort("m"), .long], help: "Message payload; %n is the message's sequence number (from 1).")
    var message = ""

    @Option(name: [.customShort("q"), .long], help: "QoS: 0, 1 or 2.")
    var qos = 0

    @Option(help: "How many messages to publish (0 with --session-store: only complete what the store holds).")
    var count = 1

    @Flag(name: [.customShort("r"), .long], help: "Ask the broker to retain the message.")
    var retain = false

    func validate() throws {
        guard MQTTQoS(rawValue: UInt8(clamping: qos)) != nil, qos >= 0 else {
            throw ValidationError("--qos must be 0, 1 or 2")
        }
        guard count >= 1 || (count == 0 && connection.sessionStore != nil) else {
            throw ValidationError("--count must be at least 1 (0 only with --session-store)")
        }
    }

    func run() async throws {
        let qos = MQTTQoS(rawValue: UInt8(qos)) ?? .atMostOnce
        do {
            let store = try connection.openSessionStore()
            // Where a killed run stopped: the number committed with its last publish.
            let first = try store.flatMap { Int(try $0.load().metadata[Self.nextSequenceKey] ?? "") } ?? 1
            let configuration = try connection.makeConfiguration(sessionStore: store)
            try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(connection.timeout)) {
                client in
                var pending: [EventLoopFuture<MQTTPublishResult>] = []
                var sequence = first
                while sequence <= count {
                    let payload = ByteBuffer(string: message.replacingOccurrences(of: "%n", with: "\(sequence)"))
                    let packet = MQTTPublishPacket(topic: topic, payload: payload, qos: qos, retain: retain)
                    pending.append(
                        client.publishFuture(packet, sessionMetadata: [Self.nextSequenceKey: "\(sequence + 1)"]))
                    sequence += 1
                    if pending.count >= Self.window {
                        try Self.check(try await pending.removeFirst().get())
                    }
                }
                for future in pending { try Self.check(try await future.get()) }
                for recovered in try await client.recoveredPublishes() {
                    try Self.check(try recovered.result.get())
                }
            }
        } catch {
            throw CommandFailure.report(error)
        }
    }

    static func check(_ result: MQTTPublishResult) throws {
        guard result.isSuccess else {
            let reason = result.reasonCode.map { "\($0)" } ?? "refused"
            throw CommandFailure(
                "the broker refused the publish: \(reason)\(result.reasonString.map { " (\($0))" } ?? "")")
        }
    }
}
