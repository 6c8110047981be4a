import NIOCore
import NIOHTTP1
import Testing
@testable import MQTT5

@Suite("HTTP proxy settings")
struct MQTTHTTPProxyTests {
    @Test("Proxy URLs: scheme, default ports, credentials (percent-decoded), IPv6")
    func parsing() throws {
        let plain = try MQTTHTTPProxy(url: "http://proxy.corp")
        #expect(plain == MQTTHTTPProxy(host: "proxy.corp", port: 80))
        let secure = try MQTTHTTPProxy(url: "https://proxy.corp/")
        #expect(secure.port == 443 && secure.isSecure)
        let credentials = try MQTTHTTPProxy(url: "http://al%40ice:p%3Ass@10.0.0.1:3128")
        #expect(credentials.username == "al@ice" && credentials.password == "p:ss" && credentials.port == 3128)
        #expect(credentials.authorization == "Basic " + MQTTBase64.encode(Array("al@ice:p:ss".utf8)))
        #expect(credentials.description == "http://al@ice@10.0.0.1:3128")
        let v6 = try MQTTHTTPProxy(url: "http://[::1]:8080")
        #expect(v6.host == "::1" && v6.port == 8080)
        let v6Default = try MQTTHTTPProxy(url: "http://[::1]")
        #expect(v6Default.port == 80)
        for bad in ["socks5://h:1", "http://", "http://h:99999", "http://h/path"] {
            #expect(throws: MQTTError.self) { try MQTTHTTPProxy(url: bad) }
        }
    }

    @Test("Base64 (RFC 4648 test vectors)")
    func base64() {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (input, output) in vectors { #expect(MQTTBase64.encode(Array(input.utf8)) == output) }
    }

    @Test("A refused CONNECT maps to proxyNotAuthorized (407, 401, 403) or proxyRefused (others, no answer)")
    func errorMapping() throws {
        let proxy = MQTTHTTPProxy(host: "p", port: 1)
        let options = MQTTTransport.Options(
            endpoint: try MQTTEndpoint(url: "mqtt://broker:1883"), maximumFrameSize: 1, connectTimeout: .seconds(1),
            socketOptions: MQTTSocketOptions())
        struct Cause: Error {}
        let cases: [(HTTPResponseStatus?, MQTTError.Code)] = [
            (.proxyAuthenticationRequired, .proxyNotAuthorized), (.forbidden, .proxyNotAuthorized),
            (.unauthorized, .proxyNotAuthorized),
            (.badGateway, .proxyRefused), (.serviceUnavailable, .proxyRefused), (.gatewayTimeout, .proxyRefused),
            (nil, .proxyRefused),
        ]
        for (status, code) in cases {
            let error = MQTTTransport.proxyError(Cause(), status: status, proxy: proxy, options: options)
            #expect(error.code == code, "\(String(describing: status))")
            if let status { #expect(error.message.contains("HTTP \(status.code)")) }
            #expect(MQTTReconnectStateMachine<SplitMix64>.cannotHeal(error) == (code == .proxyNotAuthorized))
        }
        struct Handshake: Error {}
        let tls = MQTTTransport.proxyError(
            Cause(), status: nil, transportError: Handshake(), proxy: proxy, options: options)
        #expect(tls.code == .transportFailure && tls.cause is Handshake)
    }
}

@Suite("SHA-256 for certificate pins")
struct MQTTSHA256Tests {
    @Test("FIPS 180-2 vectors, and a message across the padding boundary")
    func vectors() {
        #expect(MQTTSHA256.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            MQTTSHA256.hexDigest(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            MQTTSHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            MQTTSHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("The pin verifier normalises case and colons and checks the leaf only")
    func pinVerifier() async throws {
        let leaf = Array("leaf".utf8)
        let pin = MQTTSHA256.hexDigest(leaf)
        let colons = stride(from: 0, to: 64, by: 2).map { offset -> String in
            let start = pin.index(pin.startIndex, offsetBy: offset)
            return String(pin[start..<pin.index(start, offsetBy: 2)]).uppercased()
        }.joined(separator: ":")
        let verifier = MQTTCertificateVerifier.pinnedLeafSHA256([colons])
        #expect(try await verifier.verify([leaf, Array("ca".utf8)]))
        #expect(try await !verifier.verify([Array("ca".utf8), leaf]))
        #expect(try await !verifier.verify([]))
        #expect(verifier == verifier && verifier != MQTTCertificateVerifier.pinnedLeafSHA256([colons]))
    }
}
