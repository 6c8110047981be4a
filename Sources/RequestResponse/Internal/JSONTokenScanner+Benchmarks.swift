public import NIOCore

/// The correlation-token scanner, for the package's micro-benchmarks only.
///
/// `Benchmarks/Package.swift` is a separate package that depends on this one by path, so it
/// cannot see `package` declarations such as `JSONTokenScanner`. This entry point exposes the
/// scan behind `@_spi(Benchmarks)`: import it with `@_spi(Benchmarks) import RequestResponse`.
/// It is not API and may change or go away at any time.
@_spi(Benchmarks)
public struct _JSONTokenScannerBenchmarkEntry: Sendable {
    private let path: JSONTokenScanner.Path

    /// Prepares a scan for the token at a dotted path, such as `clientToken` or `meta.request.token`.
    public init(path: String) {
        self.path = JSONTokenScanner.Path(path)
    }

    /// Scans `document` as the client does for each response (no fallback).
    ///
    /// - Returns: The token, or `nil` when the document is not JSON or has no string at the path.
    public func scan(_ document: ByteBuffer) -> String? {
        if case .found(let token) = JSONTokenScanner.scan(document, path: path) { return token }
        return nil
    }

    /// The reference the scanner replaces: `JSONSerialization`, then a walk of the path.
    ///
    /// - Returns: The token, or `nil` when the document is not JSON or has no string at the path.
    public func foundationExtract(_ document: ByteBuffer) -> String? {
        if case .found(let token) = JSONTokenScanner.foundationExtract(from: document, path: path) { return token }
        return nil
    }
}
