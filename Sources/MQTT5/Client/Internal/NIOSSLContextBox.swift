import NIOSSL

/// An optional TLS context, carried across threads as one value.
struct NIOSSLContextBox: Sendable {
    let context: NIOSSLContext?

    init(_ context: NIOSSLContext?) {
        self.context = context
    }
}
