@testable import MQTT5
import NIOCore
import Testing

@Suite("PUBLISH checks shared by the state machine and the QoS 0 write-behind")
struct MQTTPublishChecksTests {
    @Test("The broker's limits survive packing into one word, for every QoS and retain value")
    func limitsPack() {
        #expect(MQTTPublishChecks.Limits(packed: 0) == nil)
        for qos in MQTTQoS.allCases {
            for retain in [false, true] {
                for size: UInt32 in [0, 1, 64, 268_435_460, .max] {
                    var settings = MQTTNegotiatedSettings(protocolVersion: .v5_0, clientIdentifier: "c", keepAlive: 60)
                    settings.maximumQoS = qos
                    settings.retainAvailable = retain
                    settings.maximumPacketSizeToServer = size
                    let limits = MQTTPublishChecks.Limits(settings)
                    #expect(MQTTPublishChecks.Limits(packed: limits.packed) == limits)
                }
            }
        }
    }

    @Test("The same refusals as on the event loop: too large, QoS above the maximum, retain unavailable")
    func refusals() throws {
        var settings = MQTTNegotiatedSettings(protocolVersion: .v5_0, clientIdentifier: "c", keepAlive: 60)
        settings.maximumQoS = .atLeastOnce
        settings.retainAvailable = false
        settings.maximumPacketSizeToServer = 64
        let limits = MQTTPublishChecks.Limits(settings)
        let small = MQTTPublishPacket(topic: "t", payload: ByteBuffer(string: "x"), qos: .atLeastOnce)
        let size = try MQTTPublishChecks.validate(small, version: .v5_0, extendedValidation: .none).get()
        #expect(MQTTPublishChecks.check(small, size: size, against: limits) == nil)
        #expect(MQTTPublishChecks.check(small, size: 65, against: limits)?.code == .packetTooLarge)
        var qos2 = small
        qos2.qos = .exactlyOnce
        #expect(MQTTPublishChecks.check(qos2, size: size, against: limits)?.code == .notSupportedByServer)
        var retained = small
        retained.retain = true
        #expect(MQTTPublishChecks.check(retained, size: size, against: limits)?.code == .notSupportedByServer)
        let bad = MQTTPublishPacket(topic: "a/#", payload: ByteBuffer(), qos: .atMostOnce)
        #expect(throws: MQTTError.self) {
            try MQTTPublishChecks.validate(bad, version: .v5_0, extendedValidation: .none).get()
        }
    }
}
