/// How an operation's responses are matched to its requests.
public struct ServiceCorrelation<Input, Output, Modeled>: Sendable {
    enum Kind: Sendable {
        case none
        case correlationData
        case token(
            jsonPath: String, request: any WritableKeyPath<Input, String?> & Sendable,
            response: any WritableKeyPath<Output, String?> & Sendable,
            error: (any WritableKeyPath<Modeled, String?> & Sendable)?)
    }

    let kind: Kind

    /// No correlation: the request-response layer runs such requests one at a time.
    public static var none: Self { Self(kind: .none) }

    /// MQTT 5 response topic and correlation data, chosen by the request-response layer.
    public static var correlationData: Self { Self(kind: .correlationData) }

    /// A token in a JSON member of the request that responses echo.
    ///
    /// - Parameters:
    ///   - jsonPath: The member's JSON key (`clientToken`).
    ///   - request: The request property; the client fills a `nil` one with a fresh UUID.
    ///   - response: The response property the service echoes the token in.
    ///   - error: The modeled error's property, if the operation has error responses.
    public static func token(
        jsonPath: String, request: any WritableKeyPath<Input, String?> & Sendable,
        response: any WritableKeyPath<Output, String?> & Sendable,
        error: (any WritableKeyPath<Modeled, String?> & Sendable)?
    ) -> Self {
        Self(kind: .token(jsonPath: jsonPath, request: request, response: response, error: error))
    }
}
