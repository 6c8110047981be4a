import NIOCore

extension MQTTClient {
    /// A received publish whose acknowledgement the application sends.
    public struct AcknowledgeablePublish: Sendable {
        /// The message (topic aliases resolved).
        public var packet: MQTTPublishPacket
        /// Its PUBACK or PUBREC, to send with ``MQTTPublishAcknowledgement/acknowledge()`` once
        /// the message is processed; `nil` for QoS 0 (nothing to acknowledge) or when another
        /// listener took the acknowledgement first.
        public var acknowledgement: MQTTPublishAcknowledgement?
    }

    /// The incoming messages whose topic matches `filter`, each with its acknowledgement for the
    /// application to send (manual, or deferred, acknowledgement), as an `AsyncSequence`.
    ///
    /// The client does not acknowledge these messages itself: call
    /// ``MQTTPublishAcknowledgement/acknowledge()`` when done with each, for example after storing
    /// it. Until then the broker counts it against the client's Receive Maximum, so a slow consumer
    /// slows the broker down instead of growing a buffer. Acknowledgements leave in arrival order
    /// (MQTT-4.6.0-2 and -3): one never sent holds back every later one on the connection, so
    /// acknowledge every element (the stream acknowledges the elements it drops under
    /// `bufferingPolicy` and those still buffered when it ends). This does not subscribe.
    ///
    /// ```swift
    /// let jobs = try client.publishesWithManualAcknowledgement(matching: "jobs/#")
    /// try await client.subscribe(to: "jobs/#", qos: .atLeastOnce)
    /// for await job in jobs {
    ///     try await store(job.packet)
    ///     job.acknowledgement?.acknowledge()
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - filter: A topic filter (`$share/<group>/` is stripped for matching).
    ///   - bufferingPolicy: What to keep when the consumer is slower than the messages.
    /// - Returns: A stream of messages with their acknowledgements.
    /// - Throws: ``MQTTError/Code/invalidArgument`` when `filter` is not a valid topic filter.
    public func publishesWithManualAcknowledgement(
        matching filter: String,
        bufferingPolicy: AsyncStream<AcknowledgeablePublish>.Continuation.BufferingPolicy = .unbounded
    ) throws(MQTTError) -> AsyncStream<AcknowledgeablePublish> {
        let topicFilter: MQTTTopicFilter
        do {
            topicFilter = try MQTTTopicFilter(filter)
        } catch {
            throw MQTTError(
                code: .invalidArgument,
                message: "invalid topic filter for publishesWithManualAcknowledgement: \(error)",
                cause: error)
        }
        let (stream, continuation) = AsyncStream.makeStream(
            of: AcknowledgeablePublish.self, bufferingPolicy: bufferingPolicy)
        execute { core in
            // Acknowledgements handed out and not yet seen by the consumer: acknowledged when the
            // stream ends, so none is left holding back the rest.
            let unconsumed = UnconsumedAcknowledgements()
            let id = core.addPublishListener { publish in
                guard topicFilter.matches(publish.topic) else { return }
                let acknowledgement = core.deferAcknowledgement()
                let element = AcknowledgeablePublish(packet: publish, acknowledgement: acknowledgement)
                switch continuation.yield(element) {
                case .enqueued:
                    if let acknowledgement { unconsumed.append(acknowledgement) }
                case .dropped(let dropped):
                    dropped.acknowledgement?.acknowledge()
                case .terminated:
                    acknowledgement?.acknowledge()
                @unknown default:
                    acknowledgement?.acknowledge()
                }
            }
            let loop = core.eventLoop
            continuation.onTermination = { _ in
                loop.execute {
                    core.removeListener(id)
                    unconsumed.acknowledgeAll()
                }
            }
        }
        return stream
    }
}

/// The acknowledgements a manual-acknowledgement stream handed out (confined to the event loop).
private final class UnconsumedAcknowledgements: @unchecked Sendable {
    private var acknowledgements: [MQTTPublishAcknowledgement] = []

    func append(_ acknowledgement: MQTTPublishAcknowledgement) {
        // Keep only those the machine still owes (bounded by the Receive Maximum).
        if acknowledgements.count >= 1024 {
            acknowledgements.removeAll { !$0.isPending }
        }
        acknowledgements.append(acknowledgement)
    }

    func acknowledgeAll() {
        for acknowledgement in acknowledgements { acknowledgement.acknowledge() }
        acknowledgements.removeAll()
    }
}
