import NIOCore
import NIOHTTP1

/// Sends the WebSocket upgrade request once the channel is active and fails the upgrade when
/// the broker answers with anything but `101 Switching Protocols`, errs or closes.
final class MQTTWebSocketUpgradeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    static let name = "mqtt-websocket-upgrade-watcher"

    private let request: MQTTWebSocketHandshakeRequest
    private let upgraded: EventLoopPromise<Void>
    private var sent = false

    init(request: MQTTWebSocketHandshakeRequest, upgraded: EventLoopPromise<Void>) {
        self.request = request
        self.upgraded = upgraded
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context: context)
        context.fireChannelActive()
    }

    private func sendRequest(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        var headers = HTTPHeaders()
        for header in request.headers {
            headers.add(name: header.name, value: header.value)
        }
        if !headers.contains(name: "Host") { headers.add(name: "Host", value: request.host) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: request.path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            fail(
                context: context,
                MQTTError(
                    code: .transportFailure,
                    message: "the WebSocket upgrade was refused: HTTP \(head.status.code) \(head.status.reasonPhrase)"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(
            context: context,
            error as? MQTTError
                ?? MQTTError(code: .transportFailure, message: "the WebSocket upgrade failed: \(error)", cause: error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        upgraded.fail(MQTTError(code: .transportFailure, message: "the connection closed during the WebSocket upgrade"))
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ error: MQTTError) {
        upgraded.fail(error)
        context.close(promise: nil)
    }
}
