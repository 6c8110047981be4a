import Foundation
import MQTT5Testing

/// A mosquitto whose dynamic security plugin denies SUBSCRIBE outside one pattern.
///
/// mosquitto 2.0.11's `acl_file` never refuses a SUBSCRIBE (it grants it and withholds the
/// messages; `MQTT5IntegrationTests` documents this), so a SUBACK 0x87 needs the dynamic
/// security plugin: `mosquitto_ctrl dynsec init` creates the user, whose role is rewritten to
/// allow subscribing to one pattern only (the default access denies the rest).
enum DynamicSecurity {
    static let username = "alice"
    static let password = "s3cret"
    static let plugin = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    static func broker(allowing pattern: String) async throws -> MosquittoBroker {
        guard FileManager.default.fileExists(atPath: plugin) else {
            throw SetupError(description: "no dynamic security plugin at \(plugin)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rr-dynsec-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("dynsec.json")
        try run("/usr/bin/mosquitto_ctrl", ["dynsec", "init", file.path, username, password])
        guard var json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any],
            var roles = json["roles"] as? [[String: Any]], !roles.isEmpty
        else { throw SetupError(description: "unexpected \(file.path)") }
        roles[0]["acls"] = [
            ["acltype": "subscribePattern", "topic": pattern, "allow": true],
            ["acltype": "publishClientSend", "topic": "#", "allow": true],
            ["acltype": "publishClientReceive", "topic": "#", "allow": true],
        ]
        json["roles"] = roles
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        var configuration = MosquittoBroker.Configuration()
        configuration.allowAnonymous = false
        configuration.extraConfiguration = "plugin \(plugin)\nplugin_opt_config_file \(file.path)"
        return try await MosquittoBroker.start(configuration)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw SetupError(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}
