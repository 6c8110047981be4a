public import ArgumentParser
public import MQTT5

/// The command-line options every example shares: where the broker is and how to connect.
///
/// Without `--url` an example starts the embedded ``MQTT5Testing/MQTTTestBroker`` and, in the
/// same process, the service it talks to, so it runs on a machine with nothing installed. With
/// `--url` it talks to that broker; for AWS IoT Core with mutual TLS:
/// ```sh
/// swift run ShadowExample --url mqtts://abc123-ats.iot.eu-west-1.amazonaws.com:8883 \
///     --cafile AmazonRootCA1.pem --cert device.pem.crt --key private.pem.key \
///     --client-id my-thing --thing my-thing
/// ```
public struct ConnectionOptions: ParsableArguments, Sendable {
    /// The broker URL, or `nil` for the embedded broker.
    @Option(
        help:
            "Broker URL: mqtt://, mqtts://, ws:// or wss://host[:port]. Without it the example starts an embedded broker and the service in process."
    )
    public var url: String?

    /// A PEM file of certificate authorities to trust instead of the system's.
    @Option(help: "PEM file of the certificate authorities to trust (default: the system's), e.g. AmazonRootCA1.pem.")
    public var cafile: String?

    /// The client certificate for mutual TLS.
    @Option(help: "PEM client certificate for mutual TLS (AWS IoT: the device certificate).")
    public var cert: String?

    /// The private key of ``cert``.
    @Option(help: "PEM private key of --cert.")
    public var key: String?

    /// ALPN protocols to offer.
    @Option(help: "ALPN protocol to offer; repeatable. AWS IoT on port 443 needs x-amzn-mqtt-ca.")
    public var alpn: [String] = []

    /// The MQTT client identifier; a random one when `nil`.
    @Option(
        name: .customLong("client-id"),
        help: "MQTT client identifier (default: a random one). AWS IoT policies often require the thing name.")
    public var clientID: String?

    /// For the argument parser; create options with `ConnectionOptions.parse([...])` (an
    /// instance made with `init()` has no values yet).
    public init() {}

    /// Rejects inconsistent TLS flags before anything connects.
    public func validate() throws {
        if (cert == nil) != (key == nil) {
            throw ValidationError("--cert and --key go together")
        }
        if url == nil, cafile != nil || cert != nil || !alpn.isEmpty {
            throw ValidationError("--cafile, --cert, --key and --alpn need --url (the embedded broker has no TLS)")
        }
    }

    /// The longest a whole run may take before the watchdog of ``runExample(_:deadline:_:)``
    /// ends it: a run on the embedded broker takes well under a second, one over the internet
    /// waits for connections and responses.
    public var runDeadline: Duration { url == nil ? .seconds(20) : .seconds(90) }

    /// The TLS settings the flags describe, or `nil` when none was given (an `mqtts://` or
    /// `wss://` URL then uses TLS with the system's trust roots).
    public var tlsConfiguration: MQTTTLSConfiguration? {
        guard cafile != nil || cert != nil || !alpn.isEmpty else { return nil }
        return MQTTTLSConfiguration(
            trustRoots: cafile.map { .file($0) } ?? .system,
            certificateChain: cert.map { .file($0) },
            privateKey: key.map { .file($0) },
            alpnProtocols: alpn)
    }
}
