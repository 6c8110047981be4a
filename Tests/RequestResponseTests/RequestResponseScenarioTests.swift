import Testing

extension RRSuite {
    /// The transport-agnostic scenarios over the in-memory loopback broker.
    @Suite("Scenarios over an in-memory broker")
    struct RequestResponseScenarioTests {
        static func scenarios() -> (RequestResponseScenarios, LoopbackBroker) {
            let broker = LoopbackBroker()
            return (
                RequestResponseScenarios(
                    clientTransport: broker.makeTransport(), serviceTransport: broker.makeTransport(), prefix: "it"),
                broker
            )
        }

        @Test("concurrent requests over several things")
        func concurrentRequests() async throws {
            let (scenarios, broker) = Self.scenarios()
            defer { withExtendedLifetime(broker) {} }
            try await scenarios.concurrentRequests()
        }

        @Test("warm reuse: one SUBSCRIBE for sequential requests")
        func warmReuse() async throws {
            let (scenarios, broker) = Self.scenarios()
            defer { withExtendedLifetime(broker) {} }
            try await scenarios.warmReuse()
        }

        @Test("budget 2, three things")
        func budgetTwoThreeThings() async throws {
            let (scenarios, broker) = Self.scenarios()
            defer { withExtendedLifetime(broker) {} }
            try await scenarios.budgetTwoThreeThings()
        }

        @Test("correlation data")
        func correlationData() async throws {
            let (scenarios, broker) = Self.scenarios()
            defer { withExtendedLifetime(broker) {} }
            try await scenarios.correlationData()
        }

        @Test("streaming")
        func streaming() async throws {
            let (scenarios, broker) = Self.scenarios()
            defer { withExtendedLifetime(broker) {} }
            try await scenarios.streaming()
        }
    }
}
