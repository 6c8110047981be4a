import MQTT5
import NIOCore
import Logging

/// What the public API of ``MQTTTestBroker`` asks of the core, on its event loop.
extension BrokerCore {
    /// The open connection of `clientID`: the connected one, else one whose CONNECT was left unanswered.
    func connection(of clientID: String) -> BrokerConnection? {
        if let connection = sessions[clientID]?.connection, connection.state != .closing { return connection }
        return connections.values.first { $0.clientID == clientID && $0.state != .closing }
    }

    func dropConnection(clientID: String) -> Bool {
        guard let connection = connection(of: clientID) else { return false }
        logger.debug("dropping connection", metadata: ["mqtt.client_id": "\(clientID)"])
        connection.close()
        return true
    }

    func sendDisconnect(
        clientID: String,
        reasonCode: MQTTDisconnectReasonCode,
        reasonString: String?,
        serverReference: String?,
        userProperties: [MQTTUserProperty]
    ) -> Bool {
        guard let connection = connection(of: clientID) else { return false }
        logger.debug("sending DISCONNECT", metadata: ["mqtt.client_id": "\(clientID)", "mqtt.reason": "\(reasonCode)"])
        disconnect(
            connection,
            reasonCode: reasonCode,
            reasonString: reasonString,
            serverReference: serverReference,
            userProperties: userProperties
        )
        return true
    }

    func sendRaw(clientID: String, bytes: ByteBuffer) -> Bool {
        guard let connection = connection(of: clientID) else { return false }
        connection.writeRaw(bytes)
        return true
    }

    func sendPacket(_ packet: MQTTPacket, clientID: String) -> Bool {
        guard let connection = connection(of: clientID) else { return false }
        send(packet, on: connection)
        return true
    }

    func publishFromBroker(_ publish: MQTTPublishPacket) throws(MQTTTopicError) {
        try MQTTTopic.validateName(publish.topic)
        var publish = publish
        publish.dup = false
        publish.packetIdentifier = nil
        publish.properties.topicAlias = nil
        route(publish, from: nil)
    }

    func subscriptions(of clientID: String) -> [MQTTSubscription] {
        guard let session = sessions[clientID] else { return [] }
        return session.subscriptions.values.map(\.subscription).sorted { $0.topicFilter < $1.topicFilter }
    }

    func retainedMessages() -> [MQTTPublishPacket] {
        let now = NIODeadline.now()
        return retained.keys.sorted().compactMap { retained[$0]?.remaining(at: now) }
    }

    var sessionClientIDs: Set<String> { Set(sessions.keys) }
}
