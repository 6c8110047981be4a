import Foundation
@testable import MQTT5
import MQTT5TestSupport
import MQTT5Testing
import NIOCore
import NIOPosix
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Counts the bytes that pass, both ways: a user's handler added by the channel hook.
final class ByteCounter: ChannelDuplexHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    let inbound = Atomic<Int>(0)
    let outbound = Atomic<Int>(0)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbound.add(unwrapInboundIn(data).readableBytes, ordering: .relaxed)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        outbound.add(unwrapOutboundIn(data).readableBytes, ordering: .relaxed)
        context.write(data, promise: promise)
    }
}

@Suite("Channel hook and socket options", .timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.shouldRunTests))
struct MQTTClientChannelOptionsTests {
    @Test("The channel hook sees the channel first; its handler sees the MQTT bytes; socket options are set")
    func hookAndOptions() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let counter = ByteCounter()
        let seen = Mutex<(any Channel)?>(nil)
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "hooked")
        configuration.socketOptions = MQTTSocketOptions(
            noDelay: false, keepAlive: .init(idle: .seconds(42), interval: .seconds(7), count: 4))
        configuration.channelInitializer = { channel in
            seen.withLock { $0 = channel }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(counter, name: "user-counter")
            }
        }
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { client in
            try await MQTTClientTransportTests.roundTrip(client, "hook")
            let channel = try #require(seen.withLock { $0 })
            // CONNECT, SUBSCRIBE, PUBLISH went out; CONNACK, SUBACK, PUBLISH, PUBACK came in.
            #expect(counter.outbound.load(ordering: .relaxed) > 20)
            #expect(counter.inbound.load(ordering: .relaxed) > 10)
            #expect(try await channel.pipeline.handler(type: ByteCounter.self).get() === counter)
            #expect(try await channel.getOption(.tcpOption(.tcp_nodelay)).get() == 0)
            #expect(try await channel.getOption(.socketOption(.so_keepalive)).get() != 0)
            let options = MQTTTransport.keepAliveOptions(configuration.socketOptions.keepAlive!)
            var values: [SocketOptionValue] = []
            for (option, _) in options {
                values.append(try await channel.getOption(.tcpOption(option)).get())
            }
            #expect(values == [42, 7, 4])
        }
    }

    @Test("TCP_NODELAY is on by default and keep-alive off")
    func defaults() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let seen = Mutex<(any Channel)?>(nil)
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "defaults")
        configuration.channelInitializer = { channel in
            seen.withLock { $0 = channel }
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        try await withMQTTClient(configuration: configuration, connectTimeout: .seconds(5)) { _ in
            let channel = try #require(seen.withLock { $0 })
            #expect(try await channel.getOption(.tcpOption(.tcp_nodelay)).get() != 0)
            #expect(try await channel.getOption(.socketOption(.so_keepalive)).get() == 0)
        }
    }

    @Test("A failing channel hook fails the attempt (and is retried)")
    func failingHook() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        struct HookFailure: Error {}
        let calls = Atomic<Int>(0)
        var configuration = try MQTTClient.Configuration.test(
            url: "mqtt://127.0.0.1:\(broker.port)", clientIdentifier: "hook-fails")
        configuration.channelInitializer = { channel in
            calls.add(1, ordering: .relaxed).newValue == 1
                ? channel.eventLoop.makeFailedFuture(HookFailure())
                : channel.eventLoop.makeSucceededVoidFuture()
        }
        let client = MQTTClient(configuration: configuration)
        let events = EventRecorder(client)
        client.start()
        let (_, error) = try await events.connectionFailure()
        #expect(error.code == .transportFailure, "\(error)")
        try await events.connectionSuccess()
        #expect(calls.load(ordering: .relaxed) == 2)
        await client.stop()
    }
}
