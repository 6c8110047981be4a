import NIOCore
import NIOHTTP1

/// Remembers the status of the proxy's answer to CONNECT and the first error below it (TLS to an
/// `https://` proxy, I/O), passing everything on, so that a failed tunnel becomes an
/// ``MQTTError`` that names the status or the cause and decides about retrying.
final class MQTTHTTPProxyStatusRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart

    private(set) var status: HTTPResponseStatus?
    private(set) var error: (any Error)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data), status == nil { status = head.status }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.error == nil { self.error = error }
        context.fireErrorCaught(error)
    }
}
