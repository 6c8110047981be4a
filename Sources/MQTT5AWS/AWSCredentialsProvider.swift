#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where credentials come from. The SigV4 WebSocket transform asks before every connection
/// attempt, since signatures expire and temporary credentials rotate.
public protocol AWSCredentialsProvider: Sendable {
    /// The credentials to sign the next request with.
    ///
    /// - Throws: When no credentials are available; the connection attempt then fails (and is retried).
    func credentials() async throws -> AWSCredentials
}

/// The same credentials every time.
public struct StaticAWSCredentialsProvider: AWSCredentialsProvider {
    /// The credentials.
    public var value: AWSCredentials

    /// Creates a provider of `credentials`.
    ///
    /// - Parameter credentials: The credentials.
    public init(_ credentials: AWSCredentials) {
        self.value = credentials
    }

    /// Returns ``value``.
    public func credentials() async throws -> AWSCredentials { value }
}

/// Credentials from the environment variables `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// (optionally) `AWS_SESSION_TOKEN`, read at each attempt.
public struct EnvironmentAWSCredentialsProvider: AWSCredentialsProvider {
    private let lookup: @Sendable (String) -> String?

    /// Creates a provider reading the process environment.
    public init() {
        self.lookup = { name in getenv(name).map { String(cString: $0) } }
    }

    /// Creates a provider reading `environment` instead of the process environment (for tests).
    ///
    /// - Parameter environment: The variables.
    public init(environment: [String: String]) {
        self.lookup = { environment[$0] }
    }

    /// The credentials in the environment.
    ///
    /// - Throws: ``AWSCredentialsError`` when a variable is missing or empty.
    public func credentials() async throws -> AWSCredentials {
        guard let accessKeyID = lookup("AWS_ACCESS_KEY_ID"), !accessKeyID.isEmpty else {
            throw AWSCredentialsError(message: "AWS_ACCESS_KEY_ID is not set")
        }
        guard let secret = lookup("AWS_SECRET_ACCESS_KEY"), !secret.isEmpty else {
            throw AWSCredentialsError(message: "AWS_SECRET_ACCESS_KEY is not set")
        }
        let token = lookup("AWS_SESSION_TOKEN").flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token)
    }
}

/// Credentials from a closure, e.g. a call to STS or Cognito.
public struct ClosureAWSCredentialsProvider: AWSCredentialsProvider {
    private let body: @Sendable () async throws -> AWSCredentials

    /// Creates a provider calling `body` for every attempt.
    ///
    /// - Parameter body: Fetches the credentials.
    public init(_ body: @escaping @Sendable () async throws -> AWSCredentials) {
        self.body = body
    }

    /// Calls the closure.
    public func credentials() async throws -> AWSCredentials { try await body() }
}

/// No credentials could be found.
public struct AWSCredentialsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is missing.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameter message: What is missing.
    public init(message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
