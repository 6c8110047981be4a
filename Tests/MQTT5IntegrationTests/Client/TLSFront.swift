import NIOCore
import NIOPosix
import NIOSSL

/// A TLS server (swift-nio-ssl) in front of a TCP broker, with its own TLS version range: it
/// terminates TLS and relays the bytes to mosquitto's plain listener. mosquitto 2's
/// `tls_version` only sets a minimum, so this stands in for a server that stops at TLS 1.2.
final class TLSFront: Sendable {
    let channel: any Channel
    let port: Int

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(
        certificate: String, key: String, maximumVersion: TLSVersion, upstreamPort: Int
    ) async throws -> TLSFront {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        configuration.maximumTLSVersion = maximumVersion
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                ClientBootstrap(group: client.eventLoop)
                    .channelInitializer { upstream in
                        upstream.eventLoop.makeCompletedFuture {
                            try upstream.pipeline.syncOperations.addHandler(Relay(peer: client))
                        }
                    }
                    .connect(host: "127.0.0.1", port: upstreamPort)
                    .flatMapThrowing { upstream in
                        let operations = client.pipeline.syncOperations
                        try operations.addHandler(NIOSSLServerHandler(context: context))
                        try operations.addHandler(Relay(peer: upstream))
                    }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TLSFront(channel: channel)
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Copies bytes to the peer channel and closes it when this side closes.
private final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let peer: any Channel

    init(peer: any Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
