import MQTT5
import NIOCore
import Testing

@testable import RequestResponse

extension RRSuite {
    /// Unit tests of the pure subscription manager, modelled on the reference client's
    /// subscription-manager test list (acquire states, budgets, release and reuse,
    /// offline/online, session lost, poisoned filters, shutdown) plus our warm reuse.
    @Suite("SubscriptionManager")
    struct SubscriptionManagerTests {
        typealias Manager = SubscriptionManager

        static func ms(_ value: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(value) * 1_000_000) }

        static func make(rr: Int = 2, streaming: Int = 2, online: Bool = true, idle: Duration? = nil) -> Manager {
            Manager(
                configuration: .init(
                    maxRequestResponseSubscriptions: rr, maxStreamingSubscriptions: streaming, idleTimeout: idle,
                    retryInitialBackoff: .milliseconds(100), retryMaximumBackoff: .milliseconds(350)
                ),
                isOnline: online
            )
        }

        static func subscribes(_ actions: [Manager.Action]) -> [String] {
            actions.compactMap { if case .subscribe(let filter, _) = $0 { filter } else { nil } }
        }

        static func unsubscribes(_ actions: [Manager.Action]) -> [String] {
            actions.compactMap { if case .unsubscribe(let filter, _) = $0 { filter } else { nil } }
        }

        static func generation(_ actions: [Manager.Action], _ filter: String) -> UInt64? {
            for action in actions {
                switch action {
                case .subscribe(filter, let generation), .unsubscribe(filter, let generation): return generation
                default: continue
                }
            }
            return nil
        }

        /// Acquires and grants `filter` for `listener`; returns the generation used.
        @discardableResult
        static func subscribe(
            _ manager: inout Manager, _ filter: String, _ kind: Manager.Kind = .requestResponse, listener: UInt64,
            at time: NIODeadline = .zero
        ) -> UInt64? {
            let (_, actions) = manager.acquire([filter], kind: kind, listener: listener, now: time)
            guard let generation = generation(actions, filter) else { return nil }
            _ = manager.subscribeCompleted(filter: filter, generation: generation, outcome: .granted, now: time)
            return generation
        }

        // MARK: Acquire states

        @Test("acquire of a new filter: subscribing, one SUBSCRIBE")
        func acquireNew() {
            var manager = Self.make()
            let (result, actions) = manager.acquire(["a"], kind: .requestResponse, listener: 1, now: .zero)
            guard case .subscribing(let pending) = result else { Issue.record("\(result)"); return }
            #expect(pending == ["a"])
            #expect(Self.subscribes(actions) == ["a"])
            #expect(manager.count(.requestResponse) == 1)
        }

        @Test(
            "acquire of a filter being subscribed: subscribing, no second SUBSCRIBE; SUBACK establishes both listeners")
        func acquireExistingSubscribing() {
            var manager = Self.make()
            let (_, first) = manager.acquire(["a"], kind: .requestResponse, listener: 1, now: .zero)
            let (result, actions) = manager.acquire(["a"], kind: .requestResponse, listener: 2, now: .zero)
            guard case .subscribing = result else { Issue.record("\(result)"); return }
            #expect(actions.isEmpty)
            let done = manager.subscribeCompleted(
                filter: "a", generation: Self.generation(first, "a")!, outcome: .granted, now: .zero)
            guard case .established("a", .requestResponse, let listeners) = done.first else {
                Issue.record("\(done)"); return
            }
            #expect(listeners == [1, 2])
        }

        @Test("acquire of a subscribed filter: subscribed at once")
        func acquireExistingSubscribed() {
            var manager = Self.make()
            Self.subscribe(&manager, "a", listener: 1)
            let (result, actions) = manager.acquire(["a"], kind: .requestResponse, listener: 2, now: .zero)
            guard case .subscribed = result else { Issue.record("\(result)"); return }
            #expect(actions.isEmpty)
            #expect(manager.count(.requestResponse) == 1)
        }

        @Test("acquire of several filters reports only the pending ones")
        func acquirePartial() {
            var manager = Self.make(rr: 3)
            Self.subscribe(&manager, "a", listener: 1)
            let (result, actions) = manager.acquire(["a", "b"], kind: .requestResponse, listener: 2, now: .zero)
            guard case .subscribing(let pending) = result else { Issue.record("\(result)"); return }
            #expect(pending == ["b"])
            #expect(Self.subscribes(actions) == ["b"])
        }

        @Test("request-response over budget with everything in use: blocked, all or nothing, never noCapacity")
        func requestResponseBlocked() {
            var manager = Self.make(rr: 2)
            Self.subscribe(&manager, "a", listener: 1)
            let (result, actions) = manager.acquire(["b", "c"], kind: .requestResponse, listener: 2, now: .zero)
            guard case .blocked(let needed) = result else { Issue.record("\(result)"); return }
            #expect(needed == 2)
            #expect(actions.isEmpty)
            #expect(manager.record("b") == nil)
            #expect(manager.count(.requestResponse) == 1)
        }

        @Test("streaming over budget: noCapacity, or blocked while an UNSUBSCRIBE will free a slot")
        func streamingNoCapacityOrBlocked() {
            var manager = Self.make(streaming: 1)
            Self.subscribe(&manager, "s1", .streaming, listener: 1)
            let (full, _) = manager.acquire(["s2"], kind: .streaming, listener: 2, now: .zero)
            guard case .noCapacity = full else { Issue.record("\(full)"); return }
            let released = manager.release(["s1"], listener: 1, now: .zero)
            #expect(Self.unsubscribes(released) == ["s1"])
            let (blocked, _) = manager.acquire(["s2"], kind: .streaming, listener: 2, now: .zero)
            guard case .blocked = blocked else { Issue.record("\(blocked)"); return }
            _ = manager.unsubscribeCompleted(
                filter: "s1", generation: Self.generation(released, "s1")!, outcome: .success, now: .zero)
            #expect(manager.admissionMayProceed)
            let (result, actions) = manager.acquire(["s2"], kind: .streaming, listener: 2, now: .zero)
            guard case .subscribing = result else { Issue.record("\(result)"); return }
            #expect(Self.subscribes(actions) == ["s2"])
        }

        @Test("a filter held by the other kind is a failure")
        func typeConflict() {
            var manager = Self.make()
            Self.subscribe(&manager, "x", listener: 1)
            let (result, _) = manager.acquire(["x"], kind: .streaming, listener: 2, now: .zero)
            guard case .failure(let error) = result else { Issue.record("\(result)"); return }
            #expect(error.code == .invalidArgument)
        }

        @Test("reservations: room promised to earlier operations is not taken")
        func reservedAhead() {
            var manager = Self.make(rr: 2)
            Self.subscribe(&manager, "a", listener: 1)
            let (result, _) = manager.acquire(["b"], kind: .requestResponse, listener: 2, now: .zero, reservedAhead: 1)
            guard case .blocked = result else { Issue.record("\(result)"); return }
            let (free, _) = manager.acquire(["b"], kind: .requestResponse, listener: 2, now: .zero, reservedAhead: 0)
            guard case .subscribing = free else { Issue.record("\(free)"); return }
            // Joining an existing record needs no room, whatever the reservations.
            let (join, _) = manager.acquire(["a"], kind: .requestResponse, listener: 3, now: .zero, reservedAhead: 5)
            guard case .subscribed = join else { Issue.record("\(join)"); return }
        }

        // MARK: Release and reuse

        @Test(
            "releasing a request-response filter keeps it warm; the least recently used is evicted when room is needed")
        func warmReuseAndLRU() {
            var manager = Self.make(rr: 2)
            Self.subscribe(&manager, "a", listener: 1, at: Self.ms(1))
            Self.subscribe(&manager, "b", listener: 2, at: Self.ms(2))
            #expect(manager.release(["a"], listener: 1, now: Self.ms(3)).isEmpty)
            #expect(manager.release(["b"], listener: 2, now: Self.ms(4)).isEmpty)
            #expect(manager.count(.requestResponse) == 2)
            // Reuse "a": no SUBSCRIBE.
            let (reuse, reuseActions) = manager.acquire(["a"], kind: .requestResponse, listener: 3, now: Self.ms(5))
            guard case .subscribed = reuse else { Issue.record("\(reuse)"); return }
            #expect(reuseActions.isEmpty)
            _ = manager.release(["a"], listener: 3, now: Self.ms(6))
            // "c" needs a slot: "b" (used at 4 ms) goes, not "a" (used at 6 ms).
            let (result, actions) = manager.acquire(["c"], kind: .requestResponse, listener: 4, now: Self.ms(7))
            guard case .blocked = result else { Issue.record("\(result)"); return }
            #expect(Self.unsubscribes(actions) == ["b"])
            _ = manager.unsubscribeCompleted(
                filter: "b", generation: Self.generation(actions, "b")!, outcome: .success, now: Self.ms(8))
            let (after, afterActions) = manager.acquire(["c"], kind: .requestResponse, listener: 4, now: Self.ms(9))
            guard case .subscribing = after else { Issue.record("\(after)"); return }
            #expect(Self.subscribes(afterActions) == ["c"])
        }

        @Test("a filter being unsubscribed blocks its acquirers until the UNSUBACK")
        func acquireWhileUnsubscribing() {
            var manager = Self.make(rr: 2)
            Self.subscribe(&manager, "a", listener: 1, at: Self.ms(1))
            Self.subscribe(&manager, "b", listener: 2, at: Self.ms(2))
            _ = manager.release(["a"], listener: 1, now: Self.ms(3))
            let (_, evict) = manager.acquire(["c"], kind: .requestResponse, listener: 3, now: Self.ms(4))
            #expect(Self.unsubscribes(evict) == ["a"])
            let (result, actions) = manager.acquire(["a"], kind: .requestResponse, listener: 4, now: Self.ms(5))
            guard case .blocked = result else { Issue.record("\(result)"); return }
            #expect(actions.isEmpty)
            #expect(!manager.canJoinWithoutCapacity(["a"], kind: .requestResponse))
        }

        @Test("idle warm subscriptions are unsubscribed after the idle timeout, not before")
        func idleEviction() {
            var manager = Self.make(idle: .milliseconds(100))
            Self.subscribe(&manager, "a", listener: 1)
            let released = manager.release(["a"], listener: 1, now: Self.ms(10))
            guard case .scheduleIdleSweep(let at) = released.first else { Issue.record("\(released)"); return }
            #expect(at == Self.ms(110))
            let early = manager.evictIdle(now: Self.ms(50))
            #expect(Self.unsubscribes(early).isEmpty)
            guard case .scheduleIdleSweep(let next) = early.last else { Issue.record("\(early)"); return }
            #expect(next == Self.ms(110))
            let due = manager.evictIdle(now: Self.ms(110))
            #expect(Self.unsubscribes(due) == ["a"])
        }

        @Test("releasing a streaming filter unsubscribes at once")
        func streamingReleaseUnsubscribes() {
            var manager = Self.make()
            Self.subscribe(&manager, "s", .streaming, listener: 1)
            Self.subscribe(&manager, "s", .streaming, listener: 2)
            #expect(manager.release(["s"], listener: 1, now: .zero).isEmpty)
            #expect(Self.unsubscribes(manager.release(["s"], listener: 2, now: .zero)) == ["s"])
        }

        @Test("an unused streaming record whose SUBACK arrives late is unsubscribed then")
        func streamingReleasedWhileSubscribing() {
            var manager = Self.make()
            let (_, actions) = manager.acquire(["s"], kind: .streaming, listener: 1, now: .zero)
            #expect(manager.release(["s"], listener: 1, now: .zero).isEmpty)
            let done = manager.subscribeCompleted(
                filter: "s", generation: Self.generation(actions, "s")!, outcome: .granted, now: .zero)
            #expect(Self.unsubscribes(done) == ["s"])
        }

        @Test("a rejected UNSUBSCRIBE keeps the record, warm and evictable")
        func unsubscribeFailure() {
            var manager = Self.make(rr: 2)
            Self.subscribe(&manager, "a", listener: 1, at: Self.ms(1))
            Self.subscribe(&manager, "b", listener: 2, at: Self.ms(2))
            _ = manager.release(["a"], listener: 1, now: Self.ms(3))
            let (_, evict) = manager.acquire(["c"], kind: .requestResponse, listener: 3, now: Self.ms(4))
            manager.admissionMayProceed = false
            _ = manager.unsubscribeCompleted(
                filter: "a", generation: Self.generation(evict, "a")!, outcome: .rejected(.unspecifiedError),
                now: Self.ms(5))
            #expect(manager.record("a")?.status == .subscribed)
            #expect(manager.admissionMayProceed)
            let (join, _) = manager.acquire(["a"], kind: .requestResponse, listener: 4, now: Self.ms(6))
            guard case .subscribed = join else { Issue.record("\(join)"); return }
        }

        // MARK: Failures and poisoning

        @Test("a request-response SUBACK error fails the listeners and is not retried")
        func requestResponseSubscribeFailure() {
            var manager = Self.make()
            let (_, actions) = manager.acquire(["a"], kind: .requestResponse, listener: 1, now: .zero)
            let done = manager.subscribeCompleted(
                filter: "a", generation: Self.generation(actions, "a")!, outcome: .rejected(.quotaExceeded), now: .zero)
            guard case .failed("a", .requestResponse, let listeners, let error) = done.first else {
                Issue.record("\(done)"); return
            }
            #expect(listeners == [1])
            #expect(error.reasonCode == .subAck(.quotaExceeded))
            #expect(done.count == 1)
            _ = manager.release(["a"], listener: 1, now: .zero)
            #expect(manager.record("a") == nil)
        }

        @Test("a non-retryable streaming SUBACK poisons the filter until every listener released it")
        func poisoned() {
            var manager = Self.make()
            let (_, actions) = manager.acquire(["p"], kind: .streaming, listener: 1, now: .zero)
            _ = manager.acquire(["p"], kind: .streaming, listener: 2, now: .zero)
            let done = manager.subscribeCompleted(
                filter: "p", generation: Self.generation(actions, "p")!, outcome: .rejected(.notAuthorized), now: .zero)
            guard case .failed("p", .streaming, let listeners, let error) = done.first else {
                Issue.record("\(done)"); return
            }
            #expect(listeners == [1, 2])
            #expect(error.reasonCode == .subAck(.notAuthorized))
            let (again, _) = manager.acquire(["p"], kind: .streaming, listener: 3, now: .zero)
            guard case .failure(let poison) = again else { Issue.record("\(again)"); return }
            #expect(poison.reasonCode == .subAck(.notAuthorized))
            _ = manager.release(["p"], listener: 1, now: .zero)
            #expect(manager.record("p") != nil)
            _ = manager.release(["p"], listener: 2, now: .zero)
            #expect(manager.record("p") == nil)
            let (fresh, freshActions) = manager.acquire(["p"], kind: .streaming, listener: 4, now: .zero)
            guard case .subscribing = fresh else { Issue.record("\(fresh)"); return }
            #expect(Self.subscribes(freshActions) == ["p"])
        }

        @Test("a retryable streaming SUBACK is retried after a capped exponential backoff")
        func retryBackoff() {
            var manager = Self.make()
            var (_, actions) = manager.acquire(["r"], kind: .streaming, listener: 1, now: .zero)
            var now = NIODeadline.zero
            var delays: [Duration] = []
            for code: MQTTSubAckReasonCode in [
                .unspecifiedError, .implementationSpecificError, .packetIdentifierInUse, .quotaExceeded,
            ] {
                let done = manager.subscribeCompleted(
                    filter: "r", generation: Self.generation(actions, "r")!, outcome: .rejected(code), now: now)
                guard case .scheduleRetry("r", let at) = done.first else { Issue.record("\(done)"); return }
                delays.append(Duration(at - now))
                #expect(manager.retryDue(filter: "r", now: at + .milliseconds(-1)).isEmpty)
                now = at
                actions = manager.retryDue(filter: "r", now: now)
                #expect(Self.subscribes(actions) == ["r"])
            }
            #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(350), .milliseconds(350)])
            let timedOut = manager.subscribeCompleted(
                filter: "r", generation: Self.generation(actions, "r")!, outcome: .timedOut, now: now)
            guard case .scheduleRetry = timedOut.first else { Issue.record("\(timedOut)"); return }
        }

        // MARK: Offline and online

        @Test("offline acquire subscribes when the connection comes up")
        func offlineThenOnline() {
            var manager = Self.make(online: false)
            let (result, actions) = manager.acquire(["a"], kind: .requestResponse, listener: 1, now: .zero)
            guard case .subscribing = result else { Issue.record("\(result)"); return }
            #expect(actions.isEmpty)
            #expect(Self.subscribes(manager.connected(sessionPresent: false, now: .zero)) == ["a"])
        }

        @Test("offline acquire released before the connection comes up: nothing is sent")
        func offlineAcquireRelease() {
            var manager = Self.make(online: false)
            _ = manager.acquire(["a"], kind: .requestResponse, listener: 1, now: .zero)
            _ = manager.release(["a"], listener: 1, now: .zero)
            #expect(manager.record("a") == nil)
            #expect(manager.connected(sessionPresent: false, now: .zero).isEmpty)
        }

        @Test("reconnect without session: in-use subscriptions are lost and renewed, unused ones dropped")
        func sessionLost() {
            var manager = Self.make(rr: 3)
            Self.subscribe(&manager, "used", listener: 1)
            Self.subscribe(&manager, "warm", listener: 2)
            _ = manager.release(["warm"], listener: 2, now: .zero)
            Self.subscribe(&manager, "s", .streaming, listener: 3)
            manager.disconnected()
            let actions = manager.connected(sessionPresent: false, now: .zero)
            let lost = actions.compactMap { action -> String? in
                if case .lost(let filter, _, _, let error) = action, error.code == .sessionLost { filter } else { nil }
            }
            #expect(lost.sorted() == ["s", "used"])
            #expect(Self.subscribes(actions).sorted() == ["s", "used"])
            #expect(manager.record("warm") == nil)
        }

        @Test("reconnect with session: nothing lost, nothing resent")
        func sessionResumed() {
            var manager = Self.make()
            Self.subscribe(&manager, "a", listener: 1)
            Self.subscribe(&manager, "s", .streaming, listener: 2)
            manager.disconnected()
            #expect(manager.connected(sessionPresent: true, now: .zero).isEmpty)
        }

        @Test(
            "a request-response SUBSCRIBE failed by the transport while offline is resent on reconnect; stale acknowledgements are ignored"
        )
        func transportFailureOffline() {
            var manager = Self.make()
            let (_, actions) = manager.acquire(["a"], kind: .requestResponse, listener: 1, now: .zero)
            let generation = Self.generation(actions, "a")!
            manager.disconnected()
            struct Lost: Error {}
            #expect(
                manager.subscribeCompleted(
                    filter: "a", generation: generation, outcome: .transportFailure(Lost()), now: .zero
                ).isEmpty)
            let reconnect = manager.connected(sessionPresent: true, now: .zero)
            #expect(Self.subscribes(reconnect) == ["a"])
            // The old generation's answer no longer counts.
            #expect(
                manager.subscribeCompleted(filter: "a", generation: generation, outcome: .granted, now: .zero).isEmpty)
            #expect(manager.record("a")?.status == .subscribing(Self.generation(reconnect, "a")!))
        }

        // MARK: Shutdown

        @Test("shutdown unsubscribes everything and fails later acquires")
        func shutdown() {
            var manager = Self.make()
            Self.subscribe(&manager, "a", listener: 1)
            _ = manager.acquire(["b"], kind: .requestResponse, listener: 2, now: .zero)
            Self.subscribe(&manager, "s", .streaming, listener: 3)
            let actions = manager.shutdown()
            #expect(Self.unsubscribes(actions).sorted() == ["a", "b", "s"])
            #expect(manager.count(.requestResponse) == 0)
            let (result, _) = manager.acquire(["c"], kind: .requestResponse, listener: 4, now: .zero)
            guard case .failure(let error) = result else { Issue.record("\(result)"); return }
            #expect(error.code == .clientShutDown)
        }
    }
}
