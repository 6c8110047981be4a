import MQTT5
import Testing

@Suite("Endpoint URLs")
struct MQTTEndpointTests {
    @Test("Schemes, default ports and paths")
    func parse() throws {
        let tcp = try MQTTEndpoint(url: "mqtt://broker.example")
        #expect(tcp.transport == .tcp && tcp.host == "broker.example" && tcp.port == 1883)
        let tls = try MQTTEndpoint(url: "mqtts://broker.example:8884")
        #expect(tls.transport == .tls && tls.port == 8884 && tls.transport.isSecure)
        let ws = try MQTTEndpoint(url: "ws://127.0.0.1:9001")
        #expect(ws.transport == .webSocket && ws.port == 9001 && ws.path == "/mqtt")
        let wss = try MQTTEndpoint(url: "wss://iot.example/mqtt?x=1")
        #expect(wss.transport == .secureWebSocket && wss.port == 443 && wss.path == "/mqtt?x=1")
        let unix = try MQTTEndpoint(url: "unix:/tmp/mosquitto.sock")
        #expect(unix.transport == .unix && unix.path == "/tmp/mosquitto.sock")
        #expect(try MQTTEndpoint(url: "unix:///run/m.sock").path == "/run/m.sock")
        let v6 = try MQTTEndpoint(url: "mqtt://[::1]:1884")
        #expect(v6.host == "::1" && v6.port == 1884)
        #expect(v6.description == "mqtt://[::1]:1884")
        #expect(try MQTTEndpoint(url: "mqtt://user@host:1").host == "host")
    }

    @Test("Bad URLs throw invalidConfiguration")
    func invalid() {
        for url in [
            "broker", "http://x", "mqtt://", "mqtt://host:0", "mqtt://host:abc", "mqtt:host", "unix:", "mqtt://[::1",
        ] {
            #expect(throws: MQTTError.self, "\(url)") { try MQTTEndpoint(url: url) }
            do {
                _ = try MQTTEndpoint(url: url)
            } catch {
                #expect(error.code == .invalidConfiguration)
            }
        }
    }
}
