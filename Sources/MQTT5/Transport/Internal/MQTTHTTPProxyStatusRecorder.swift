import NIOCore
import NIOHTTP1

/// Remembers the status of the proxy's answer to CONNECT (passing everything on), so that a
/// refusal becomes an ``MQTTError`` that names the status and decides about retrying.
final class MQTTHTTPProxyStatusRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart

    private(set) var status: HTTPResponseStatus?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), status == nil { status = head.status }
        context.fireChannelRead(data)
    }
}
