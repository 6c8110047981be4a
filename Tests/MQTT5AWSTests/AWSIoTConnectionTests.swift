import MQTT5
import NIOCore
import MQTT5AWS
import Synchronization
import Testing

@Suite("AWS IoT connection helpers")
struct AWSIoTConnectionTests {
    @Test("Custom authorizer over mqtts:443: user name with query parameters, password, ALPN mqtt")
    func customAuthorizerMQTT() throws {
        var configuration = try MQTTClient.Configuration(url: "mqtts://abc-ats.iot.us-east-1.amazonaws.com:443")
        let authorizer = AWSIoTCustomAuthorizer(
            name: "my-authorizer", username: "device", password: "pw", tokenKeyName: "token", tokenValue: "a b",
            tokenSignature: "c2ln+/=")
        authorizer.apply(to: &configuration)
        #expect(
            configuration.username
                == "device?x-amz-customauthorizer-name=my-authorizer&token=a%20b&x-amz-customauthorizer-signature=c2ln%2B%2F%3D"
        )
        #expect(configuration.password.map { String(buffer: $0) } == "pw")
        #expect(configuration.tls?.alpnProtocols == ["mqtt"])
        // Applying twice does not offer mqtt twice; another port gets no ALPN.
        authorizer.apply(to: &configuration)
        #expect(configuration.tls?.alpnProtocols == ["mqtt"])
        var on8883 = try MQTTClient.Configuration(url: "mqtts://abc-ats.iot.us-east-1.amazonaws.com:8883")
        AWSIoTCustomAuthorizer(name: "a").apply(to: &on8883)
        #expect(on8883.tls == nil)
        #expect(on8883.username == "?x-amz-customauthorizer-name=a")
    }

    @Test("Custom authorizer over wss: the parameters travel as upgrade headers")
    func customAuthorizerWebSocket() throws {
        var configuration = try MQTTClient.Configuration(url: "wss://abc-ats.iot.us-east-1.amazonaws.com/mqtt")
        AWSIoTCustomAuthorizer(
            name: "my-authorizer", username: "device", tokenKeyName: "token", tokenValue: "t", tokenSignature: "s"
        ).apply(to: &configuration)
        #expect(
            configuration.webSocket.headers.map(\.name) == [
                "x-amz-customauthorizer-name", "token", "x-amz-customauthorizer-signature",
            ])
        #expect(configuration.webSocket.headers.map(\.value) == ["my-authorizer", "t", "s"])
        #expect(configuration.username == "device")
    }

    @Test("Credential providers: static, environment (missing variables are errors), closure")
    func providers() async throws {
        let credentials = AWSCredentials(accessKeyID: "AK", secretAccessKey: "SK", sessionToken: "ST")
        #expect(try await StaticAWSCredentialsProvider(credentials).credentials() == credentials)
        let environment = EnvironmentAWSCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK", "AWS_SESSION_TOKEN": "ST",
        ])
        #expect(try await environment.credentials() == credentials)
        let noToken = EnvironmentAWSCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK",
        ])
        #expect(try await noToken.credentials().sessionToken == nil)
        await #expect(throws: AWSCredentialsError.self) {
            try await EnvironmentAWSCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "AK"]).credentials()
        }
        let calls = Atomic<Int>(0)
        let closure = ClosureAWSCredentialsProvider {
            AWSCredentials(accessKeyID: "AK\(calls.add(1, ordering: .relaxed).newValue)", secretAccessKey: "SK")
        }
        #expect(try await closure.credentials().accessKeyID == "AK1")
        #expect(try await closure.credentials().accessKeyID == "AK2")
        #expect(!"\(credentials)".contains("SK") && !"\(credentials)".contains("ST"))
    }

    @Test("The SigV4 WebSocket transform asks the provider and signs with the clock on every call")
    func transformPerAttempt() async throws {
        let calls = Atomic<Int>(0)
        let provider = ClosureAWSCredentialsProvider {
            let call = calls.add(1, ordering: .relaxed).newValue
            return AWSCredentials(accessKeyID: "AK\(call)", secretAccessKey: "SK", sessionToken: "T\(call)")
        }
        let seconds = Atomic<Int64>(1_440_938_160)
        let webSocket = MQTTWebSocketConfiguration.awsIoTSigV4(
            region: "eu-west-1", credentials: provider,
            clock: { AWSSigningTime(secondsSince1970: seconds.add(60, ordering: .relaxed).oldValue) })
        let transform = try #require(webSocket.handshakeTransform)
        let request = MQTTWebSocketHandshakeRequest(path: "/mqtt", host: "h", headers: [])
        let first = try await transform(request)
        let second = try await transform(request)
        #expect(first.path.contains("X-Amz-Credential=AK1%2F20150830%2Feu-west-1%2Fiotdevicegateway%2Faws4_request"))
        #expect(first.path.contains("X-Amz-Date=20150830T123600Z") && first.path.hasSuffix("X-Amz-Security-Token=T1"))
        #expect(second.path.contains("X-Amz-Credential=AK2%2F") && second.path.contains("X-Amz-Date=20150830T123700Z"))
        #expect(second.path.hasSuffix("X-Amz-Security-Token=T2"))
    }
}
