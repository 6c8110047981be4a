import MQTT5TestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A WebSocket front for a TCP MQTT broker: accepts `GET /mqtt` upgrades with the `mqtt`
/// subprotocol and relays binary frames to and from mosquitto's TCP listener. The mosquitto
/// 2.0.11 on this machine is built without WebSocket support (`protocol websockets` fails with
/// "Unable to start any listening sockets"), so this bridge stands in for its WebSocket listener.
final class WebSocketBridge: Sendable {
    let channel: any Channel
    let port: Int
    /// The upgrade requests received, for checking the client's handshake (and its transform).
    let requests: TestQueue<HTTPRequestHead>

    private init(channel: any Channel, requests: TestQueue<HTTPRequestHead>) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.requests = requests
    }

    static func start(brokerPort: Int, path: String = "/mqtt") async throws -> WebSocketBridge {
        let requests = TestQueue<HTTPRequestHead>()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    shouldUpgrade: { channel, head in
                        requests.push(head)
                        let pathOnly = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
                        guard pathOnly == path, head.headers["Sec-WebSocket-Protocol"].contains("mqtt") else {
                            return channel.eventLoop.makeSucceededFuture(nil)
                        }
                        return channel.eventLoop.makeSucceededFuture(HTTPHeaders([("Sec-WebSocket-Protocol", "mqtt")]))
                    },
                    upgradePipelineHandler: { webSocket, _ in
                        ClientBootstrap(group: webSocket.eventLoop)
                            .channelInitializer { upstream in
                                upstream.eventLoop.makeCompletedFuture {
                                    try upstream.pipeline.syncOperations.addHandler(
                                        TCPToWebSocket(webSocket: webSocket))
                                }
                            }
                            .connect(host: "127.0.0.1", port: brokerPort)
                            .flatMapThrowing { upstream in
                                try webSocket.pipeline.syncOperations.addHandler(WebSocketToTCP(upstream: upstream))
                            }
                    }
                )
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (
                            upgraders: [upgrader],
                            completionHandler: { context in
                                context.pipeline.syncOperations.removeHandler(
                                    context: (try? context.pipeline.syncOperations.context(name: "not-found"))
                                        ?? context, promise: nil)
                            }
                        )
                    )
                    try channel.pipeline.syncOperations.addHandler(NotFound(), name: "not-found")
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return WebSocketBridge(channel: channel, requests: requests)
    }

    func close() async {
        try? await channel.close()
    }
}

/// WebSocket frames from the client, to the broker as bytes.
private final class WebSocketToTCP: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let upstream: any Channel

    init(upstream: any Channel) { self.upstream = upstream }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary, .continuation:
            upstream.writeAndFlush(frame.unmaskedData, promise: nil)
        case .connectionClose:
            upstream.close(promise: nil)
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        upstream.close(promise: nil)
    }
}

/// Bytes from the broker, to the client as binary frames.
private final class TCPToWebSocket: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let webSocket: any Channel

    init(webSocket: any Channel) { self.webSocket = webSocket }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        webSocket.writeAndFlush(WebSocketFrame(fin: true, opcode: .binary, data: bytes), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        webSocket.close(promise: nil)
    }
}

/// Answers requests that were not upgraded with 404.
private final class NotFound: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(
            version: .http1_1, status: .notFound, headers: ["Content-Length": "0", "Connection": "close"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
