public import RequestResponse

/// The error of a generated client call: the service's modeled rejection, or why the call
/// could not complete.
///
/// Generated methods throw it typed, so a `do throws(...)` block can match its cases:
/// ```swift
/// do throws(ServiceError<IoTShadow.ErrorResponse>) {
///     let shadow = try await client.getShadow(thingName: "dev-1")
/// } catch .rejected(let error) where error.code == 404 {
///     // no shadow yet
/// } catch {
///     print(error)   // transport, invalid request or decoding problem
/// }
/// ```
/// (Without the `throws(...)` clause the caught error is `any Error`; use ``modeledError`` after
/// `catch let error as ServiceError<IoTShadow.ErrorResponse>`.)
public enum ServiceError<Modeled: Error>: Error, CustomStringConvertible {
    /// The service rejected the request with its modeled error (for example a shadow
    /// `ErrorResponse` with code 404).
    case rejected(Modeled)
    /// The request could not be sent as given (a topic placeholder value that is empty or holds
    /// `/`, `+` or `#`; a value JSON cannot encode). Nothing was published.
    case invalidRequest(ServiceRequestError)
    /// The request-response layer failed: timeout, publish or subscribe failure, session lost,
    /// no subscription capacity, client shut down, cancelled.
    case transport(RequestResponseError)
    /// A response arrived but could not be decoded (or arrived on a topic the operation does
    /// not expect).
    case decoding(ServiceDecodingError)

    /// The modeled error, when the service rejected the request.
    public var modeledError: Modeled? {
        if case .rejected(let error) = self { return error }
        return nil
    }

    /// A sentence describing the failure.
    public var description: String {
        switch self {
        case .rejected(let error): "rejected: \(error)"
        case .invalidRequest(let error): "invalid request: \(error)"
        case .transport(let error): "transport: \(error)"
        case .decoding(let error): "decoding: \(error)"
        }
    }
}
