import MQTT5
import NIOCore

/// A subscription held by a session, as granted.
struct BrokerSubscription {
    /// The subscription as granted (its QoS is the granted QoS).
    var subscription: MQTTSubscription
    /// The parsed filter (share name split off).
    var filter: MQTTTopicFilter
    /// The subscription identifier from the SUBSCRIBE, if any.
    var identifier: UInt32?
}

/// An application message waiting for delivery to one session, with the time it arrived so
/// that its Message Expiry Interval can be counted down.
struct QueuedMessage {
    var publish: MQTTPublishPacket
    var receivedAt: NIODeadline

    /// The message with its Message Expiry Interval reduced by the time spent waiting, or `nil`
    /// when it has expired.
    func remaining(at now: NIODeadline) -> MQTTPublishPacket? {
        guard let interval = publish.properties.messageExpiryInterval else { return publish }
        let elapsed = UInt32(clamping: (now - receivedAt).nanoseconds / 1_000_000_000)
        guard elapsed < interval else { return nil }
        var publish = publish
        publish.properties.messageExpiryInterval = interval - elapsed
        return publish
    }
}

/// An outbound QoS 1 or 2 message that has been sent and not yet fully acknowledged.
struct InflightMessage {
    enum State {
        case awaitingPubAck
        case awaitingPubRec
        case awaitingPubComp
    }

    var publish: MQTTPublishPacket
    var state: State
}

/// The server side of an MQTT session: subscriptions and message state that outlive a
/// connection while the session has not expired. Owned by ``BrokerCore`` on its event loop.
final class BrokerSession {
    let clientID: String
    /// Subscriptions by the filter exactly as subscribed (including any `$share/<name>/` prefix).
    var subscriptions: [String: BrokerSubscription] = [:]
    /// The connection currently attached, if any.
    var connection: BrokerConnection?
    /// Seconds the session outlives its connection; `UInt32.max` for ever.
    var expiryInterval: UInt32 = 0
    var expiryTask: Scheduled<Void>?
    /// A will waiting for its Will Delay Interval to pass.
    var pendingWill: (will: MQTTWill, task: Scheduled<Void>)?

    /// Outbound QoS 1/2 messages sent and not completed, by packet identifier, in send order.
    var inflight: [UInt16: InflightMessage] = [:]
    var inflightOrder: [UInt16] = []
    /// Outbound QoS 1/2 messages not yet sent (offline, or the client's Receive Maximum reached).
    var queue: [QueuedMessage] = []
    private var nextPacketIdentifier: UInt16 = 1

    /// Inbound QoS 2 packet identifiers for which PUBREC was sent and PUBREL not yet received.
    var inboundQoS2: Set<UInt16> = []

    init(clientID: String) {
        self.clientID = clientID
    }

    /// A packet identifier not used by an inflight message.
    func allocatePacketIdentifier() -> UInt16 {
        while true {
            let candidate = nextPacketIdentifier
            nextPacketIdentifier = nextPacketIdentifier == .max ? 1 : nextPacketIdentifier + 1
            if inflight[candidate] == nil { return candidate }
        }
    }

    func addInflight(_ message: InflightMessage, id: UInt16) {
        inflight[id] = message
        inflightOrder.append(id)
    }

    @discardableResult
    func removeInflight(_ id: UInt16) -> InflightMessage? {
        guard let message = inflight.removeValue(forKey: id) else { return nil }
        if let index = inflightOrder.firstIndex(of: id) { inflightOrder.remove(at: index) }
        return message
    }

    func cancelTimers() {
        expiryTask?.cancel()
        expiryTask = nil
    }
}
