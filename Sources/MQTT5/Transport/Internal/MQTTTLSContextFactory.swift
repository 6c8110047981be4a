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
            if let bundle = tls.pkcs12Identity {
                guard tls.certificateChain == nil, tls.privateKey == nil else {
                    throw MQTTError(
                        code: .invalidConfiguration,
                        message: "a PKCS#12 identity and a PEM certificate chain or private key exclude each other")
                }
                let identity = try pkcs12(bundle)
                configuration.certificateChain = identity.certificateChain.map { .certificate($0) }
                configuration.privateKey = .privateKey(identity.privateKey)
            } else if let chain = tls.certificateChain {
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
            if let minimum = tls.minimumTLSVersion { configuration.minimumTLSVersion = nioVersion(minimum) }
            if let maximum = tls.maximumTLSVersion { configuration.maximumTLSVersion = nioVersion(maximum) }
            if let minimum = tls.minimumTLSVersion, let maximum = tls.maximumTLSVersion, maximum < minimum {
                throw MQTTError(
                    code: .invalidConfiguration,
                    message: "the maximum TLS version (\(maximum)) is below the minimum (\(minimum))")
            }
            if let cipherSuites = tls.cipherSuites {
                guard !cipherSuites.isEmpty else {
                    throw MQTTError(code: .invalidConfiguration, message: "an empty TLS cipher suite list")
                }
                configuration.cipherSuiteValues = cipherSuites.map { NIOTLSCipher($0.rawValue) }
            }
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

    private static func nioVersion(_ version: MQTTTLSConfiguration.TLSVersion) -> TLSVersion {
        version == .v1_3 ? .tlsv13 : .tlsv12
    }

    private static func pkcs12(_ bundle: MQTTTLSConfiguration.PKCS12Bundle) throws -> NIOSSLPKCS12Bundle {
        do {
            let passphrase = bundle.passphrase.map { Array($0.utf8) }
            switch (bundle.source, passphrase) {
            case (.file(let path), let passphrase?): return try NIOSSLPKCS12Bundle(file: path, passphrase: passphrase)
            case (.file(let path), nil): return try NIOSSLPKCS12Bundle(file: path)
            case (.bytes(let bytes), let passphrase?):
                return try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: passphrase)
            case (.bytes(let bytes), nil): return try NIOSSLPKCS12Bundle(buffer: bytes)
            }
        } catch {
            let what =
                switch bundle.source {
                case .file(let path): path
                case .bytes: "in-memory bytes"
                }
            throw MQTTError(
                code: .invalidConfiguration,
                message: "cannot read the PKCS#12 identity (\(what)): \(error) (wrong passphrase?)", cause: error)
        }
    }

    private static func describe(_ source: MQTTTLSConfiguration.PEMSource) -> String {
        switch source.kind {
        case .file(let path): path
        case .bytes: "in-memory PEM"
        }
    }
}
