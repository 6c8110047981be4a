import ArgumentParser
import MQTT5
import NIOCore

/// `mqtt pub`: publishes a message (`--count` times) and waits for the acknowledgements.
struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pub", abstract: "Publish a message.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("t"), .long], help: "Topic to publish to.")
    var topic: String

    @Option(name: [.customShort("m"), .long], help: "Message payload.")
    var message = ""

    @Option(name: [.customShort("q"), .long], help: "QoS: 0, 1 or 2.")
    var qos = 0

    @Option(help: "How many times to publish the message.")
    var count = 1

    @Flag(name: [.customShort("r"), .long], help: "Ask the broker to retain the message.")
    var retain = false

    func validate() throws {
        guard MQTTQoS(rawValue: UInt8(clamping: qos)) != nil, qos >= 0 else {
            throw ValidationError("--qos must be 0, 1 or 2")
        }
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let qos = MQTTQoS(rawValue: UInt8(qos)) ?? .atMostOnce
        do {
            let configuration = try connection.makeConfiguration()
            try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(connection.timeout)) {
                client in
                let payload = ByteBuffer(string: message)
                for _ in 0..<count {
                    let result = try await client.publish(to: topic, payload: payload, qos: qos, retain: retain)
                    guard result.isSuccess else {
                        let reason = result.reasonCode.map { "\($0)" } ?? "refused"
                        throw CommandFailure(
                            "the broker refused the publish: \(reason)\(result.reasonString.map { " (\($0))" } ?? "")")
                    }
                }
            }
        } catch {
            throw CommandFailure.report(error)
        }
    }
}
