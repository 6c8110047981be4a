/// AWS credentials: an access key, its secret, and the session token of temporary credentials.
public struct AWSCredentials: Hashable, Sendable, CustomStringConvertible {
    /// The access key ID, e.g. `AKIDEXAMPLE`.
    public var accessKeyID: String
    /// The secret access key. Never logged.
    public var secretAccessKey: String
    /// The session token of temporary credentials (STS, Cognito), if any. Never logged.
    public var sessionToken: String?

    /// Creates credentials.
    ///
    /// - Parameters:
    ///   - accessKeyID: The access key ID.
    ///   - secretAccessKey: The secret access key.
    ///   - sessionToken: The session token, for temporary credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The access key ID only; the secret and token are never shown.
    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID)\(sessionToken == nil ? "" : ", with session token"))"
    }
}
