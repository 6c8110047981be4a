import ArgumentParser
import Foundation
import MQTT5
import NIOCore

/// `mqtt sub`: subscribes and prints the messages, one payload per line, each line flushed,
/// until `--count` have arrived (or forever). With `--session-store` and `--session-expiry`, the
/// session is persistent and a QoS 2 message redelivered after a restart is not printed twice.
struct Subscribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sub", abstract: "Subscribe and print messages.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("t"), .long], help: "Topic filter (repeatable).")
    var topic: [String]

    @Option(name: [.customShort("q"), .long], help: "Maximum QoS: 0, 1 or 2.")
    var qos = 0

    @Option(help: "Exit after this many messages.")
    var count: Int?

    @Flag(name: [.customShort("v"), .long], help: "Print the topic before each payload.")
    var verbose = false

    func validate() throws {
        guard MQTTQoS(rawValue: UInt8(clamping: qos)) != nil, qos >= 0 else {
            throw ValidationError("--qos must be 0, 1 or 2")
        }
        guard !topic.isEmpty else { throw ValidationError("give at least one -t filter") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let qos = MQTTQoS(rawValue: UInt8(qos)) ?? .atMostOnce
        do {
            let configuration = try connection.makeConfiguration(sessionStore: try connection.openSessionStore())
            try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(connection.timeout)) {
                client in
                let messages = client.publishes()
                let subAck = try await client.subscribe(topic.map { MQTTSubscription(topicFilter: $0, qos: qos) })
                for (filter, code) in zip(topic, subAck.reasonCodes) where code.isError {
                    throw CommandFailure("the broker refused the subscription to '\(filter)': \(code)")
                }
                var received = 0
                for await message in messages {
                    let payload = String(buffer: message.payload)
                    let line = verbose ? "\(message.topic) \(payload)\n" : "\(payload)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                    received += 1
                    if let count, received >= count { break }
                }
            }
        } catch {
            throw CommandFailure.report(error)
        }
    }
}
