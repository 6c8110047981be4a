import Foundation
import MQTT5
import MQTT5AWS
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// The AWS IoT helpers on real connections: the custom-authorizer CONNECT as a broker receives
/// it, and SigV4-presigned upgrades (fresh credentials per attempt) as a WebSocket server sees them.
@Suite("AWS IoT connection helpers on the wire", .timeLimit(.minutes(1)))
struct MQTTClientAWSTests {
    @Test("The custom-authorizer CONNECT carries the user name with the query parameters and the password")
    func customAuthorizerConnect() async throws {
        try await withMQTTTestBroker { broker in
            var configuration = try MQTTClient.Configuration.test(
                url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "authorized")
            AWSIoTCustomAuthorizer(
                name: "my-authorizer", username: "device", password: "pw", tokenKeyName: "token", tokenValue: "tv",
                tokenSignature: "sig=="
            ).apply(to: &configuration)
            try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
                #expect(client.isConnected)
            }
            let connect = try #require(
                broker.receivedPackets(clientID: "authorized").compactMap { packet -> MQTTConnectPacket? in
                    if case .connect(let connect) = packet { connect } else { nil }
                }.first)
            #expect(
                connect.username
                    == "device?x-amz-customauthorizer-name=my-authorizer&token=tv&x-amz-customauthorizer-signature=sig%3D%3D"
            )
            #expect(connect.password.map { String(buffer: $0) } == "pw")
        }
    }

    @Test(
        "wss-style SigV4: each attempt's upgrade is presigned with fresh credentials, verifiable by the server",
        .enabled(if: MosquittoBroker.shouldRunTests))
    func sigV4UpgradePerAttempt() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let bridge = try await WebSocketBridge.start(brokerPort: broker.port)
        let calls = Atomic<Int>(0)
        let provider = ClosureAWSCredentialsProvider {
            let call = calls.add(1, ordering: .relaxed).newValue
            return AWSCredentials(
                accessKeyID: "AK\(call)", secretAccessKey: "secret-\(call)", sessionToken: "token-\(call)")
        }
        var configuration = try MQTTClient.Configuration.test(
            url: "ws://127.0.0.1:\(bridge.port)/mqtt", clientIdentifier: "sigv4")
        configuration.webSocket = .awsIoTSigV4(region: "us-east-1", credentials: provider)
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        try await events.connectionSuccess()
        client.dropConnectionForTesting()
        try await events.connectionSuccess()
        await client.stop()

        for attempt in 1...2 {
            let head = try await bridge.requests.next()
            let (path, query) = (
                head.uri.split(separator: "?").first.map(String.init),
                head.uri.split(separator: "?").last.map(String.init) ?? ""
            )
            #expect(path == "/mqtt")
            var parameters: [String: String] = [:]
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                parameters[parts[0]] = parts.count > 1 ? parts[1].removingPercentEncoding : ""
            }
            #expect(parameters["X-Amz-Security-Token"] == "token-\(attempt)")
            let credential = try #require(parameters["X-Amz-Credential"])
            #expect(
                credential.hasPrefix("AK\(attempt)/")
                    && credential.hasSuffix("/us-east-1/iotdevicegateway/aws4_request"))
            // The server's check: recompute the signature from the request it received.
            let time = try #require(AWSSigningTime(amzDate: parameters["X-Amz-Date"] ?? ""))
            let signable = AWSSigV4Signer.Request(
                path: "/mqtt",
                query: ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders"].map {
                    AWSSigV4Signer.Pair(name: $0, value: parameters[$0] ?? "")
                },
                headers: [.init(name: "host", value: head.headers["Host"].first ?? "")])
            let expected = AWSSigV4Signer(region: "us-east-1", service: "iotdevicegateway")
                .signature(signable, secretAccessKey: "secret-\(attempt)", at: time)
            #expect(parameters["X-Amz-Signature"] == expected)
        }
        #expect(calls.load(ordering: .relaxed) == 2)
        await bridge.close()
    }
}
