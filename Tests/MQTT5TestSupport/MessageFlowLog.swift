public import MQTT5

/// Collects the steps of message flows, by flow (direction and PUBLISH topic).
public struct MessageFlowLog: Sendable {
    public var steps: [String: [String]] = [:]
    public var completed: [String: MQTTMessageFlow] = [:]

    public static func key(_ flow: MQTTMessageFlow) -> String {
        "\(flow.direction)-\(flow.publish?.topic ?? "?")"
    }

    /// Reads `flows` until `count` flows completed.
    public static func collect(
        _ flows: AsyncStream<MQTTMessageFlowEvent>, completing count: Int, timeout: Duration = .seconds(10)
    ) async throws -> MessageFlowLog {
        let queue = TestQueue<MQTTMessageFlowEvent>()
        let reader = Task { for await event in flows { queue.push(event) } }
        defer { reader.cancel() }
        var log = MessageFlowLog()
        var topics: [String: String] = [:]  // direction-id -> key of the flow's PUBLISH
        while log.completed.count < count {
            let event = try await queue.next(timeout: timeout, "message flow step")
            let id = "\(event.flow.direction)-\(event.flow.packetIdentifier)"
            if event.stage == .publish { topics[id] = key(event.flow) }
            let name = topics[id] ?? id
            log.steps[name, default: []].append("\(event.isSent ? "sent" : "received") \(event.stage)")
            if event.flow.isComplete { log.completed[name] = event.flow }
        }
        return log
    }
}
