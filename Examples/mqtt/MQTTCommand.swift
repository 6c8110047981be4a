import ArgumentParser

/// `mqtt`: a small MQTT 5 / 3.1.1 / 3.1 command line client in the spirit of mosquitto_pub and mosquitto_sub.
@main
struct MQTTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt",
        abstract: "Publish to and subscribe on an MQTT broker.",
        discussion: """
            Examples:
              mqtt sub --url mqtt://localhost -t 'sensors/#' -v
              mqtt pub --url mqtts://broker:8883 --cafile ca.pem --cert dev.pem --key dev.key -t sensors/1 -m 21.5 --qos 1
              mqtt pub --url mqtt://a:1883 --url mqtt://b:1883 --proxy http://proxy:3128 --protocol 3.1 -i dev-1 -t t -m hi
            """,
        subcommands: [Publish.self, Subscribe.self]
    )
}
