import MQTT5
import NIOCore
import Synchronization

/// What the client's channel delivered.
enum InboxItem: Sendable {
    case packet(MQTTPacket)
    case error(String)
    case closed
}

/// A queue of received items with bounded waits.
final class Inbox: Sendable {
    private struct State {
        var items: [InboxItem] = []
        var isClosed = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    func push(_ item: InboxItem) {
        let waiters = state.withLock { state in
            if case .closed = item {
                if state.isClosed { return [CheckedContinuation<Void, Never>]() }
                state.isClosed = true
            }
            state.items.append(item)
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The next item, or `nil` after `timeout`. `.closed` is returned once and then forever.
    func next(timeout: Duration) async -> InboxItem? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let item = state.withLock { state -> InboxItem? in
                guard !state.items.isEmpty else { return nil }
                if case .closed = state.items[0] { return .closed }
                return state.items.removeFirst()
            }
            if let item { return item }
            if ContinuousClock.now >= deadline { return nil }
            await waitForPush(until: deadline)
        }
    }

    private func waitForPush(until deadline: ContinuousClock.Instant) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id = state.withLock { state -> Int? in
                guard state.items.isEmpty else { return nil }
                let id = state.nextWaiter
                state.nextWaiter += 1
                state.waiters[id] = continuation
                return id
            }
            guard let id else {
                continuation.resume()
                return
            }
            Task {
                try? await Task.sleep(until: deadline)
                let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.resume()
            }
        }
    }
}

/// Feeds the inbox.
final class InboxHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket

    private let inbox: Inbox

    init(inbox: Inbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.push(.packet(Self.unwrapInboundIn(data)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.push(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        inbox.push(.error("\(error)"))
        context.close(promise: nil)
    }
}
