import MQTT5
import NIOCore
import Testing

@testable import RequestResponse

extension RRSuite {
    /// Unit tests of the pure client state machine: admission fairness, head-of-line blocking,
    /// session loss, deadlines and the single timer heap, without a network or a clock.
    @Suite("RequestResponseStateMachine")
    struct RequestResponseStateMachineTests {
        typealias Machine = RequestResponseStateMachine
        typealias Action = Machine.Action

        static func ms(_ value: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(value) * 1_000_000) }

        static func make(rr: Int = 2, online: Bool = true) -> Machine {
            Machine(
                configuration: .init(
                    subscriptions: .init(
                        maxRequestResponseSubscriptions: rr, maxStreamingSubscriptions: 2, idleTimeout: nil),
                    acknowledgementTimeout: .seconds(10), correlationDataResponseTopic: "rr/responses/test",
                    correlationDataPrefix: 7
                ),
                isOnline: online, supportsProperties: true
            )
        }

        static func request(_ thing: String, _ token: String?) throws -> PreparedRequest {
            try PreparedRequest(
                ThingService.request(thing: thing, token: token), maxRequestResponseSubscriptions: 8,
                correlationDataResponseTopic: "rr/responses/test"
            )
        }

        /// Submits with a 60 s deadline.
        static func submit(
            _ machine: inout Machine, _ id: UInt64, _ thing: String, _ token: String? = nil, at now: NIODeadline = .zero
        ) throws -> [Action] {
            machine.submitRequest(
                id: id, request: try request(thing, token ?? "t\(id)"), timeout: .seconds(60),
                deadline: now + .seconds(60), now: now)
        }

        static func subscribes(_ actions: [Action]) -> [(String, UInt64)] {
            actions.compactMap {
                if case .subscribe(let filter, let generation) = $0 { (filter, generation) } else { nil }
            }
        }

        static func unsubscribes(_ actions: [Action]) -> [(String, UInt64)] {
            actions.compactMap {
                if case .unsubscribe(let filter, let generation) = $0 { (filter, generation) } else { nil }
            }
        }

        static func published(_ actions: [Action]) -> [UInt64] {
            actions.compactMap { if case .publish(let id, _, _, _) = $0 { id } else { nil } }
        }

        static func completed(
            _ actions: [Action]
        ) -> [UInt64: Result<RequestResponseClient.Response, RequestResponseError>] {
            var result: [UInt64: Result<RequestResponseClient.Response, RequestResponseError>] = [:]
            for action in actions { if case .completeRequest(let id, let outcome) = action { result[id] = outcome } }
            return result
        }

        /// Grants every SUBSCRIBE in `actions` (and in what that causes), returning all actions.
        static func grantAll(_ machine: inout Machine, _ actions: [Action], at now: NIODeadline = .zero) -> [Action] {
            var all: [Action] = []
            var pending = subscribes(actions)
            while let (filter, generation) = pending.first {
                pending.removeFirst()
                let next = machine.subscribeCompleted(
                    filter: filter, generation: generation, outcome: .granted, now: now)
                all += next
                pending += subscribes(next)
            }
            return all
        }

        static func response(_ thing: String, token: String) -> RequestResponsePublish {
            RequestResponsePublish(
                topic: "things/\(thing)/get/accepted", payload: ByteBuffer(string: #"{"clientToken":"\#(token)"}"#))
        }

        @Test("fairness: a request blocked on capacity gets the next free slot before later requests needing capacity")
        func fairness() throws {
            var machine = Self.make(rr: 2)
            _ = Self.grantAll(&machine, try Self.submit(&machine, 1, "x"))
            _ = Self.grantAll(&machine, try Self.submit(&machine, 2, "y"))
            #expect(try Self.submit(&machine, 3, "starved").isEmpty)  // blocked
            // Later arrivals for new things queue behind it, even after a slot frees up.
            #expect(try Self.submit(&machine, 4, "late1").isEmpty)
            #expect(try Self.submit(&machine, 5, "late2").isEmpty)
            #expect(machine.statistics.queueLength == 3)
            // Request 1 completes: its warm subscription is evicted for "starved", not for "late1".
            let done = machine.incomingPublish(Self.response("x", token: "t1"), now: Self.ms(1))
            #expect(Self.unsubscribes(done).map(\.0) == ["things/x/get/+"])
            let (filter, generation) = Self.unsubscribes(done)[0]
            let freed = machine.unsubscribeCompleted(
                filter: filter, generation: generation, outcome: .success, now: Self.ms(2))
            #expect(Self.subscribes(freed).map(\.0) == ["things/starved/get/+"])
            let granted = Self.grantAll(&machine, freed, at: Self.ms(3))
            #expect(Self.published(granted) == [3])
            #expect(machine.statistics.queueLength == 2)
        }

        @Test(
            "churn: 256 requests over 64 things with budget 8 all succeed, one SUBSCRIBE per thing, capacity in arrival order"
        )
        func churnOverADeepQueue() throws {
            var machine = Self.make(rr: 8)
            var thingOf: [UInt64: String] = [:]
            var pending: [Action] = []
            for id in UInt64(1)...256 {
                let thing = "thing\((id - 1) % 64)"
                thingOf[id] = thing
                pending += try Self.submit(&machine, id, thing)
            }
            #expect(machine.statistics.queueLength == 256 - 32)  // 8 things subscribed, 4 requests each
            // Play broker and service: acknowledge everything, answer every request, in order.
            var subscribedThings: [String] = []
            var succeeded = 0
            var steps = 0
            while !pending.isEmpty, steps < 100_000 {
                steps += 1
                let action = pending.removeFirst()
                switch action {
                case .subscribe(let filter, let generation):
                    subscribedThings.append(filter)
                    pending += machine.subscribeCompleted(
                        filter: filter, generation: generation, outcome: .granted, now: Self.ms(Int64(steps)))
                case .unsubscribe(let filter, let generation):
                    pending += machine.unsubscribeCompleted(
                        filter: filter, generation: generation, outcome: .success, now: Self.ms(Int64(steps)))
                case .publish(let id, _, _, _):
                    let now = Self.ms(Int64(steps))
                    pending += machine.publishCompleted(id: id, outcome: .acknowledged(.success), now: now)
                    pending += machine.incomingPublish(Self.response(thingOf[id]!, token: "t\(id)"), now: now)
                case .completeRequest(_, let outcome):
                    if case .success = outcome { succeeded += 1 } else { Issue.record("\(outcome)") }
                default:
                    break
                }
            }
            #expect(succeeded == 256)
            #expect(machine.statistics.queueLength == 0)
            // Every request for a thing waited together and shared its one SUBSCRIBE.
            #expect(subscribedThings.count == 64)
            #expect(Set(subscribedThings).count == 64)
            // Capacity went to the things in the order their first requests arrived.
            #expect(subscribedThings == (0..<64).map { "things/thing\($0)/get/+" })
        }

        @Test(
            "no head-of-line blocking: requests on subscribed filters pass a blocked one, in the queue and at submission"
        )
        func noHeadOfLineBlocking() throws {
            var machine = Self.make(rr: 2)
            _ = Self.grantAll(&machine, try Self.submit(&machine, 1, "x"))
            _ = Self.grantAll(&machine, try Self.submit(&machine, 2, "y"))
            #expect(try Self.submit(&machine, 3, "blocked").isEmpty)
            // Submitted after the blocked one, on an active filter: published at once.
            #expect(Self.published(try Self.submit(&machine, 4, "x")) == [4])
            #expect(machine.statistics.queueLength == 1)
        }

        @Test("a request queued for capacity joins a subscription another request created meanwhile")
        func queuedJoinsNewRecord() throws {
            var machine = Self.make(rr: 2)
            _ = Self.grantAll(&machine, try Self.submit(&machine, 1, "x"))
            _ = Self.grantAll(&machine, try Self.submit(&machine, 2, "y"))
            #expect(try Self.submit(&machine, 3, "z").isEmpty)
            #expect(try Self.submit(&machine, 4, "z").isEmpty)
            let done = machine.incomingPublish(Self.response("x", token: "t1"), now: Self.ms(1))
            let (filter, generation) = Self.unsubscribes(done)[0]
            let freed = machine.unsubscribeCompleted(
                filter: filter, generation: generation, outcome: .success, now: Self.ms(2))
            #expect(Self.subscribes(freed).map(\.0) == ["things/z/get/+"])  // one SUBSCRIBE for both
            let granted = Self.grantAll(&machine, freed, at: Self.ms(3))
            #expect(Set(Self.published(granted)) == [3, 4])
            #expect(machine.statistics.queueLength == 0)
        }

        @Test(
            "session lost: the published request fails, the unpublished one waits for the new SUBACK before publishing")
        func sessionLost() throws {
            var machine = Self.make(rr: 2)
            let first = Self.grantAll(&machine, try Self.submit(&machine, 1, "s"))
            #expect(Self.published(first) == [1])
            machine.disconnected()
            #expect(Self.published(try Self.submit(&machine, 2, "s")).isEmpty)  // subscribed, offline
            let reconnect = machine.connected(sessionPresent: false, supportsProperties: true, now: Self.ms(5))
            guard case .failure(let error) = Self.completed(reconnect)[1] else { Issue.record("\(reconnect)"); return }
            #expect(error.code == .sessionLost)
            #expect(Self.published(reconnect).isEmpty)  // not before the SUBACK
            let granted = Self.grantAll(&machine, reconnect, at: Self.ms(6))
            #expect(Self.published(granted) == [2])
        }

        @Test("deadlines fire exactly at their time, from one heap, and the timer is re-armed for the next")
        func deadlines() throws {
            var machine = Self.make(rr: 2)
            _ = machine.submitRequest(
                id: 1, request: try Self.request("a", "1"), timeout: .milliseconds(300), deadline: Self.ms(300),
                now: .zero)
            _ = machine.submitRequest(
                id: 2, request: try Self.request("a", "2"), timeout: .milliseconds(100), deadline: Self.ms(100),
                now: .zero)
            #expect(machine.nextDeadline == Self.ms(100))
            #expect(Self.completed(machine.timerFired(now: Self.ms(99))).isEmpty)
            let fired = Self.completed(machine.timerFired(now: Self.ms(100)))
            guard case .failure(let error) = fired[2] else { Issue.record("\(fired)"); return }
            #expect(error.code == .timeout)
            #expect(fired.keys.sorted() == [2])
            #expect(machine.nextDeadline != nil)
            let later = Self.completed(machine.timerFired(now: Self.ms(300)))
            #expect(later.keys.sorted() == [1])
        }

        @Test("the heap sheds deadlines of finished requests without losing live ones")
        func heapCompaction() throws {
            var machine = Self.make(rr: 2)
            let granted = Self.grantAll(&machine, try Self.submit(&machine, 0, "h"))
            #expect(Self.published(granted) == [0])
            for id in UInt64(1)...700 {
                _ = try Self.submit(&machine, id, "h")
                _ = machine.incomingPublish(Self.response("h", token: "t\(id)"), now: .zero)
            }
            // Request 0 is still waiting; its deadline must still fire.
            let fired = Self.completed(machine.timerFired(now: .zero + .seconds(61)))
            #expect(fired.keys.sorted() == [0])
            #expect(machine.statistics.requestsCompleted == 700)
        }

        @Test("a cancelled request releases its key: the next request with the same token starts")
        func cancelReleasesKey() throws {
            var machine = Self.make(rr: 2)
            _ = Self.grantAll(&machine, try Self.submit(&machine, 1, "k", "same"))
            #expect(try Self.submit(&machine, 2, "k", "same").isEmpty)
            let cancelled = machine.cancelRequest(id: 1, now: .zero)
            guard case .failure(let error) = Self.completed(cancelled)[1] else { Issue.record("\(cancelled)"); return }
            #expect(error.code == .cancelled)
            #expect(Self.published(cancelled) == [2])
        }

        @Test("correlation data is unique per request and set with the response topic")
        func correlationData() throws {
            var machine = Self.make(rr: 2)
            let options = RequestResponseClient.RequestOptions.correlationData(
                publishTopic: "rpc/x", payload: ByteBuffer(string: "p"))
            let prepared = try PreparedRequest(
                options, maxRequestResponseSubscriptions: 2, correlationDataResponseTopic: "rr/responses/test")
            let first = Self.grantAll(
                &machine,
                machine.submitRequest(
                    id: 1, request: prepared, timeout: .seconds(1), deadline: Self.ms(1000), now: .zero))
            let second = machine.submitRequest(
                id: 2, request: prepared, timeout: .seconds(1), deadline: Self.ms(1000), now: .zero)
            var data: [ByteBuffer] = []
            for action in first + second {
                if case .publish(_, _, _, let properties) = action {
                    #expect(properties.responseTopic == "rr/responses/test")
                    data.append(properties.correlationData ?? ByteBuffer())
                }
            }
            #expect(data.count == 2)
            #expect(data[0] != data[1])
            var properties = MQTTProperties()
            properties.correlationData = data[1]
            let done = machine.incomingPublish(
                RequestResponsePublish(topic: "rr/responses/test", payload: ByteBuffer(), properties: properties),
                now: .zero)
            #expect(Self.completed(done).keys.sorted() == [2])
        }

        @Test("each request carries its own remaining time as message expiry, next to its own properties")
        func messageExpiryPerRequest() throws {
            var machine = Self.make(rr: 8)
            var withUserProperty = ThingService.request(thing: "d", token: "four")
            withUserProperty.properties.userProperties = [MQTTUserProperty(name: "trace", value: "1")]
            let submissions: [(UInt64, PreparedRequest, seconds: Int64)] = [
                (1, try Self.request("a", "one"), 60), (2, try Self.request("b", "two"), 60),
                (3, try Self.request("c", "three"), 3),
                (
                    4,
                    try PreparedRequest(
                        withUserProperty, maxRequestResponseSubscriptions: 8,
                        correlationDataResponseTopic: "rr/responses/test"),
                    60
                ),
                (5, try Self.request("e", "five"), 60),
            ]
            var published: [UInt64: MQTTProperties] = [:]
            for (id, request, seconds) in submissions {
                let actions = Self.grantAll(
                    &machine,
                    machine.submitRequest(
                        id: id, request: request, timeout: .seconds(seconds), deadline: .zero + .seconds(seconds),
                        now: .zero))
                for action in actions {
                    if case .publish(let id, _, _, let properties) = action { published[id] = properties }
                }
            }
            #expect(published.mapValues(\.messageExpiryInterval) == [1: 60, 2: 60, 3: 3, 4: 60, 5: 60])
            #expect(published[4]?.userProperties == [MQTTUserProperty(name: "trace", value: "1")])
            #expect(published.filter { $0.key != 4 }.allSatisfy { $0.value.userProperties.isEmpty })
        }

        @Test("the response carries the index of the response path it matched (accepted 0, rejected 1)")
        func responsePathIndex() throws {
            var machine = Self.make()
            _ = Self.grantAll(&machine, try Self.submit(&machine, 1, "a", "one"))
            _ = Self.grantAll(&machine, try Self.submit(&machine, 2, "b", "two"))
            _ = machine.publishCompleted(id: 1, outcome: .acknowledged(.success), now: .zero)
            _ = machine.publishCompleted(id: 2, outcome: .acknowledged(.success), now: .zero)
            let accepted = Self.completed(machine.incomingPublish(Self.response("a", token: "one"), now: .zero))
            #expect(try accepted[1]?.get().responsePathIndex == 0)
            let rejected = RequestResponsePublish(
                topic: ThingService.rejected("b"), payload: ByteBuffer(string: #"{"clientToken":"two"}"#))
            let done = Self.completed(machine.incomingPublish(rejected, now: .zero))
            #expect(try done[2]?.get().responsePathIndex == 1)
            #expect(try done[2]?.get().topic == ThingService.rejected("b"))
        }
    }
}
