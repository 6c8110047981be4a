import MQTT5
import MQTT5AWS
import Testing

/// The signer against vectors of AWS's published SigV4 test suite (`aws-sig-v4-test-suite`:
/// credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z,
/// us-east-1, service `service`), checked stage by stage.
@Suite("AWS SigV4 signer")
struct AWSSigV4SignerTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let time = AWSSigningTime(amzDate: "20150830T123600Z")!
    static let signer = AWSSigV4Signer(region: "us-east-1", service: "service")

    static func suiteRequest(_ path: String, query: [AWSSigV4Signer.Pair] = []) -> AWSSigV4Signer.Request {
        AWSSigV4Signer.Request(
            path: path, query: query,
            headers: [
                .init(name: "Host", value: "example.amazonaws.com"), .init(name: "X-Amz-Date", value: time.amzDate),
            ])
    }

    @Test("get-vanilla: canonical request, string to sign and signature")
    func getVanilla() {
        let request = Self.suiteRequest("/")
        #expect(
            AWSSigV4Signer.canonicalRequest(request)
                == """
                GET
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(
            Self.signer.stringToSign(request, at: Self.time)
                == """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
                """)
        #expect(
            Self.signer.signature(request, secretAccessKey: Self.secret, at: Self.time)
                == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test("get-vanilla-query-order-key-case: the query is sorted by name")
    func queryOrderKeyCase() {
        let request = Self.suiteRequest(
            "/", query: [.init(name: "Param2", value: "value2"), .init(name: "Param1", value: "value1")])
        #expect(AWSSigV4Signer.canonicalRequest(request).split(separator: "\n")[2] == "Param1=value1&Param2=value2")
        #expect(
            Self.signer.stringToSign(request, at: Self.time).hasSuffix(
                "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0"))
        #expect(
            Self.signer.signature(request, secretAccessKey: Self.secret, at: Self.time)
                == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test("get-vanilla-query-order-value: equal names are sorted by value")
    func queryOrderValue() {
        let request = Self.suiteRequest(
            "/", query: [.init(name: "Param1", value: "value2"), .init(name: "Param1", value: "value1")])
        #expect(
            Self.signer.signature(request, secretAccessKey: Self.secret, at: Self.time)
                == "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694")
    }

    @Test("get-unreserved: unreserved characters are not encoded")
    func unreserved() {
        let request = Self.suiteRequest("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        #expect(
            Self.signer.signature(request, secretAccessKey: Self.secret, at: Self.time)
                == "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")
    }

    @Test("Percent-encoding: reserved characters and UTF-8 in upper-case hex")
    func percentEncoding() {
        #expect(AWSSigV4Signer.percentEncode("a/b c+d=é~") == "a%2Fb%20c%2Bd%3D%C3%A9~")
    }

    @Test("Signing times format and parse as SigV4 wants")
    func signingTime() {
        #expect(Self.time.secondsSince1970 == 1_440_938_160)
        #expect(Self.time.amzDate == "20150830T123600Z" && Self.time.dateStamp == "20150830")
        #expect(AWSSigningTime(secondsSince1970: 0).amzDate == "19700101T000000Z")
        #expect(AWSSigningTime(secondsSince1970: 951_782_400).amzDate == "20000229T000000Z")
        #expect(AWSSigningTime(amzDate: "2015-08-30") == nil)
        let now = AWSSigningTime.now
        #expect(AWSSigningTime(amzDate: now.amzDate) == now)
    }

    @Test("The AWS IoT presign: signed query for iotdevicegateway, the session token appended unsigned")
    func iotPresign() throws {
        let signer = AWSSigV4Signer(region: "us-east-1", service: "iotdevicegateway")
        let request = MQTTWebSocketHandshakeRequest(
            path: "/mqtt", host: "abc-ats.iot.us-east-1.amazonaws.com",
            headers: [MQTTUserProperty(name: "Host", value: "abc-ats.iot.us-east-1.amazonaws.com")])
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret, sessionToken: "tok/en+=")
        let signed = signer.presign(request, credentials: credentials, at: Self.time)
        let (path, query) = try #require(signed.path.split(separator: "?", maxSplits: 1).map(String.init).pair)
        #expect(path == "/mqtt")
        let pairs = query.split(separator: "&").map(String.init)
        #expect(
            Array(pairs.prefix(4)) == [
                "X-Amz-Algorithm=AWS4-HMAC-SHA256",
                "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiotdevicegateway%2Faws4_request",
                "X-Amz-Date=20150830T123600Z", "X-Amz-SignedHeaders=host",
            ])
        #expect(pairs.last == "X-Amz-Security-Token=tok%2Fen%2B%3D")
        // The signature is over the four parameters and the host only (not the token).
        let signable = AWSSigV4Signer.Request(
            path: "/mqtt",
            query: [
                .init(name: "X-Amz-Algorithm", value: "AWS4-HMAC-SHA256"),
                .init(name: "X-Amz-Credential", value: "AKIDEXAMPLE/20150830/us-east-1/iotdevicegateway/aws4_request"),
                .init(name: "X-Amz-Date", value: "20150830T123600Z"),
                .init(name: "X-Amz-SignedHeaders", value: "host"),
            ],
            headers: [.init(name: "host", value: "abc-ats.iot.us-east-1.amazonaws.com")])
        let expected = signer.signature(signable, secretAccessKey: Self.secret, at: Self.time)
        #expect(pairs[4] == "X-Amz-Signature=\(expected)")
        #expect(expected.count == 64)
        // Without a token there is no token parameter.
        let noToken = signer.presign(
            request, credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret),
            at: Self.time)
        #expect(!noToken.path.contains("X-Amz-Security-Token"))
        #expect(noToken.path.hasSuffix("X-Amz-Signature=\(expected)"))
    }
}

extension Array {
    /// The two elements of a two-element array.
    fileprivate var pair: (Element, Element)? { count == 2 ? (self[0], self[1]) : nil }
}
