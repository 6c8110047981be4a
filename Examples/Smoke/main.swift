// mqtt5-smoke: connects to --url (or a private mosquitto), subscribes, publishes at QoS 0, 1
// and 2, receives its own messages and exits 0; exits 1 with a message on any failure.
import Foundation
import MQTT5
import MQTT5Testing
import NIOCore

@main
struct Smoke {
    static func main() async {
        var url: String?
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            switch argument {
            case "--url": url = arguments.popFirst()
            case "-h", "--help":
                print("usage: mqtt5-smoke [--url mqtt://host:port]   (default: a private mosquitto)")
                return
            default:
                fail("unknown argument '\(argument)' (try --help)")
            }
        }
        do {
            let broker: MosquittoBroker?
            if url == nil {
                guard MosquittoBroker.isAvailable else {
                    fail(
                        "no --url given and mosquitto is not installed; install it (apt-get install -y mosquitto, brew install mosquitto) or pass --url mqtt://host:1883"
                    )
                }
                let started = try await MosquittoBroker.start()
                print("started a private mosquitto on port \(started.port)")
                broker = started
                url = "mqtt://127.0.0.1:\(started.port)"
            } else {
                broker = nil
            }
            defer { broker?.stop() }
            try await run(url: url!)
            print("smoke test passed")
        } catch {
            fail("\(error)")
        }
    }

    static func run(url: String) async throws {
        var configuration = try MQTTClient.Configuration(
            url: url, clientIdentifier: "mqtt5-smoke-\(UInt32.random(in: 0...UInt32.max))")
        configuration.connectTimeout = .seconds(3)
        configuration.ackTimeout = .seconds(3)
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            if let settings = client.negotiatedSettings {
                print(
                    "connected to \(url) as '\(settings.clientIdentifier)' (\(settings.protocolVersion), maximum QoS \(settings.maximumQoS.rawValue), receive maximum \(settings.receiveMaximumFromServer))"
                )
            }
            let topic = "mqtt5-smoke/\(UInt32.random(in: 0...UInt32.max))"
            let messages = try client.publishes(matching: topic)
            let subAck = try await client.subscribe(to: topic, qos: .exactlyOnce)
            print("subscribed to \(topic): \(subAck.reasonCodes.map(\.description).joined(separator: ", "))")
            for qos in [MQTTQoS.atMostOnce, .atLeastOnce, .exactlyOnce] {
                let result = try await client.publish(
                    to: topic, payload: ByteBuffer(string: "hello at QoS \(qos.rawValue)"), qos: qos)
                guard result.isSuccess else {
                    throw SmokeError(
                        "publish at QoS \(qos.rawValue) was refused: \(result.reasonCode.map { "\($0)" } ?? "")")
                }
                print("published at QoS \(qos.rawValue): \(result.reasonCode.map { "\($0)" } ?? "written")")
            }
            let received = try await firstMessages(3, of: messages, within: .seconds(3))
            for message in received {
                print("received at QoS \(message.qos.rawValue): \(String(buffer: message.payload))")
            }
            try await client.unsubscribe([topic])
        }
    }

    static func firstMessages(
        _ count: Int, of stream: AsyncStream<MQTTPublishPacket>, within timeout: Duration
    ) async throws -> [MQTTPublishPacket] {
        try await withThrowingTaskGroup(of: [MQTTPublishPacket].self) { group in
            group.addTask {
                var received: [MQTTPublishPacket] = []
                for await message in stream {
                    received.append(message)
                    if received.count == count { break }
                }
                return received
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw SmokeError("received fewer than \(count) messages within \(timeout)")
            }
            let first = try await group.next() ?? []
            group.cancelAll()
            return first
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("mqtt5-smoke: error: \(message)\n".utf8))
        exit(1)
    }
}

struct SmokeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
