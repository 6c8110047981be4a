import NIOSSL

/// Builds the swift-nio-ssl context for ``MQTTTLSConfiguration`` (reading PEM files once).
enum MQTTTLSContextFactory {
    static func makeContext(_ tls: MQTTTLSConfiguration) throws(MQTTError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            switch tls.trustRoots.kind {
            case .system:
                configuration.trustRoots = .default
            case .pem(let source):
                configuration.trustRoots = .certificates(try certificates(source, what: "CA certificates"))
            }
            if let chain = tls.certificateChain {
                configuration.certificateChain = try certificates(chain, what: "client certificate").map {
                    .certificate($0)
                }
                guard let key = tls.privateKey else {
                    throw MQTTError(code: .invalidConfiguration, message: "a client certificate needs a private key")
                }
                configuration.privateKey = .privateKey(try privateKey(key))
            } else if tls.privateKey != nil {
                throw MQTTError(code: .invalidConfiguration, message: "a private key needs a client certificate")
            }
            if !tls.verifyCertificate {
                configuration.certificateVerification = .none
            } else if !tls.verifyServerName {
                configuration.certificateVerification = .noHostnameVerification
            }
            configuration.applicationProtocols = tls.alpnProtocols
            return try NIOSSLContext(configuration: configuration)
        } catch let error as MQTTError {
            throw error
        } catch {
            throw MQTTError(code: .invalidConfiguration, message: "cannot set up TLS: \(error)", cause: error)
        }
    }

    private static func certificates(
        _ source: MQTTTLSConfiguration.PEMSource, what: String
    ) throws -> [NIOSSLCertificate] {
        do {
            let certificates =
                switch source.kind {
                case .file(let path): try NIOSSLCertificate.fromPEMFile(path)
                case .bytes(let bytes): try NIOSSLCertificate.fromPEMBytes(bytes)
                }
            guard !certificates.isEmpty else {
                throw MQTTError(code: .invalidConfiguration, message: "no certificate in the \(what) PEM")
            }
            return certificates
        } catch let error as MQTTError {
            throw error
        } catch {
            throw MQTTError(
                code: .invalidConfiguration, message: "cannot read the \(what) (\(describe(source))): \(error)",
                cause: error)
        }
    }

    private static func privateKey(_ source: MQTTTLSConfiguration.PEMSource) throws -> NIOSSLPrivateKey {
        do {
            return switch source.kind {
            case .file(let path): try NIOSSLPrivateKey(file: path, format: .pem)
            case .bytes(let bytes): try NIOSSLPrivateKey(bytes: bytes, format: .pem)
            }
        } catch {
            throw MQTTError(
                code: .invalidConfiguration, message: "cannot read the private key (\(describe(source))): \(error)",
                cause: error)
        }
    }

    private static func describe(_ source: MQTTTLSConfiguration.PEMSource) -> String {
        switch source.kind {
        case .file(let path): path
        case .bytes: "in-memory PEM"
        }
    }
}
