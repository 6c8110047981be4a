import NIOSSL

/// The TLS contexts a client's connections use, built once by ``MQTTClient/start()`` (reading
/// PEM and PKCS#12 files then): to the brokers, and to an `https://` proxy.
struct MQTTTransportContexts: Sendable {
    /// TLS to the broker (`mqtts://`, `wss://`, or `mqtt://` with TLS settings), if used.
    var broker: NIOSSLContext?
    /// TLS to an `https://` proxy, if used.
    var proxy: NIOSSLContext?

    /// Builds the contexts `configuration` needs, after checking it.
    static func make(for configuration: MQTTClient.Configuration) -> Result<MQTTTransportContexts, MQTTError> {
        if let problem = configuration.configurationProblem {
            return .failure(MQTTError(code: .invalidConfiguration, message: problem))
        }
        do throws(MQTTError) {
            var contexts = MQTTTransportContexts()
            let usesTLS = configuration.endpoints.contains { endpoint in
                endpoint.transport.isSecure || (configuration.tls != nil && endpoint.transport != .unix)
            }
            if usesTLS {
                contexts.broker = try MQTTTLSContextFactory.makeContext(configuration.tls ?? MQTTTLSConfiguration())
            }
            if let proxy = configuration.proxy, proxy.isSecure {
                contexts.proxy = try MQTTTLSContextFactory.makeContext(proxy.tls ?? MQTTTLSConfiguration())
            }
            return .success(contexts)
        } catch {
            return .failure(error)
        }
    }
}
