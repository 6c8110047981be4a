import NIOCore
import NIOWebSocket

/// Carries MQTT bytes in binary WebSocket frames (masked, as a client must) and answers pings
/// and close frames.
final class MQTTWebSocketFrameHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private var sentClose = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary, .continuation, .text:
            context.fireChannelRead(wrapInboundOut(frame.unmaskedData))
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            if !sentClose {
                sentClose = true
                let close = WebSocketFrame(
                    fin: true, opcode: .connectionClose, maskKey: .random(), data: frame.unmaskedData)
                context.writeAndFlush(wrapOutboundOut(close), promise: nil)
                context.close(promise: nil)
            } else {
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: .random(), data: bytes)
        context.write(wrapOutboundOut(frame), promise: promise)
    }
}
