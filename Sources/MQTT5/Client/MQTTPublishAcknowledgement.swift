import NIOCore

/// The deferred acknowledgement (PUBACK or PUBREC) of a received QoS 1 or 2 publish.
///
/// By default the client acknowledges a publish as soon as its listeners have seen it. A
/// listener that takes the acknowledgement instead (``MQTTClient/deferAcknowledgement()``) sends
/// it later with ``acknowledge()``, for example once the message is processed or stored, so
/// that the broker's flow control (the client's Receive Maximum) limits how many unprocessed
/// messages it hands over. Acknowledgements leave in the order the publishes arrived, as MQTT
/// requires (MQTT-4.6.0-2 and -3): one held back also holds back later ones.
///
/// An acknowledgement never sent is lost with the connection; the broker then redelivers the
/// message (with DUP set) when the session is resumed.
public struct MQTTPublishAcknowledgement: Sendable {
    let core: MQTTClientCore
    let id: MQTTInboundAcknowledgementID

    /// Sends the acknowledgement (after every earlier one). Callable from any task; calling it
    /// again, or after the connection that received the publish has ended, does nothing.
    public func acknowledge() {
        let core = self.core
        let id = self.id
        if core.eventLoop.inEventLoop {
            core.acknowledge(id)
        } else {
            core.eventLoop.execute { core.acknowledge(id) }
        }
    }
}

extension MQTTPublishAcknowledgement {
    /// Whether the connection still owes it (read on the event loop).
    var isPending: Bool { core.isPending(id) }
}

extension MQTTClient {
    /// Takes over the acknowledgement of the QoS 1 or 2 publish being delivered to a listener.
    ///
    /// Call it on ``eventLoop`` from inside a publish listener; the client then does not
    /// acknowledge the publish itself, and the caller must call
    /// ``MQTTPublishAcknowledgement/acknowledge()`` (or the broker redelivers after a reconnect).
    ///
    /// - Returns: The acknowledgement, or `nil` outside a delivery, for a QoS 0 publish, or when
    ///   another listener took it already.
    package func deferAcknowledgement() -> MQTTPublishAcknowledgement? {
        eventLoop.preconditionInEventLoop()
        return core.deferAcknowledgement()
    }
}

/// The QoS 1 or 2 publish an ``MQTTClientCore`` is handing to its listeners.
struct DeliveringPublish {
    var acknowledgement: MQTTInboundAcknowledgementID
    var deferred: Bool
}

extension MQTTClientCore {
    func deferAcknowledgement() -> MQTTPublishAcknowledgement? {
        guard var delivering, !delivering.deferred else { return nil }
        delivering.deferred = true
        self.delivering = delivering
        return MQTTPublishAcknowledgement(core: self, id: delivering.acknowledgement)
    }

    func isPending(_ id: MQTTInboundAcknowledgementID) -> Bool {
        machine.pendingAcknowledgements.contains(id)
    }

    func acknowledge(_ id: MQTTInboundAcknowledgementID) {
        run { machine, actions in machine.acknowledge(id, now: .now(), into: &actions) }
    }
}
