import NIOCore
import NIOSSL

/// Runs ``MQTTCertificateVerifier`` for swift-nio-ssl's custom verification callback (off the
/// event loop) and, sitting right after the TLS handler, turns the handshake failure that follows
/// a rejection into ``MQTTError/Code/certificateRejected``.
final class MQTTCertificateVerifierGate: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let verifier: MQTTCertificateVerifier
    private let host: String
    private var rejection: String?

    init(verifier: MQTTCertificateVerifier, host: String) {
        self.verifier = verifier
        self.host = host
    }

    /// The callback: hands the chain (DER) to the verifier in a task and completes `promise` on
    /// the event loop.
    func verify(_ certificates: [NIOSSLCertificate], promise: EventLoopPromise<NIOSSLVerificationResult>) {
        let chain = certificates.map { (try? $0.toDERBytes()) ?? [] }
        let verifier = self.verifier
        let loop = promise.futureResult.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        Task {
            let verdict: Result<Bool, any Error>
            do {
                verdict = .success(try await verifier.verify(chain))
            } catch {
                verdict = .failure(error)
            }
            loop.execute {
                switch verdict {
                case .success(true):
                    promise.succeed(.certificateVerified)
                case .success(false):
                    bound.value.rejection = "\(verifier.name) rejected the certificate of \(bound.value.host)"
                    promise.succeed(.failed)
                case .failure(let error):
                    bound.value.rejection =
                        "\(verifier.name) failed on the certificate of \(bound.value.host): \(error)"
                    promise.succeed(.failed)
                }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let rejection, !(error is MQTTError) {
            context.fireErrorCaught(MQTTError(code: .certificateRejected, message: rejection, cause: error))
        } else {
            context.fireErrorCaught(error)
        }
    }
}
