import Crypto
public import MQTT5

/// AWS Signature Version 4 (HMAC-SHA256), as a pure function of the request, the credentials and
/// the time: the canonical request, the string to sign and the signature are each available, so
/// that a mismatch can be pinned to one line (the published test suite checks all three).
public struct AWSSigV4Signer: Hashable, Sendable {
    /// The region, e.g. `us-east-1`.
    public var region: String
    /// The service, e.g. `iotdevicegateway` for AWS IoT Core's data plane.
    public var service: String

    /// The SHA-256 of an empty payload, in hexadecimal.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Creates a signer.
    ///
    /// - Parameters:
    ///   - region: The AWS region.
    ///   - service: The signing name of the service.
    public init(region: String, service: String) {
        self.region = region
        self.service = service
    }

    /// A name and a value: a query parameter or a header.
    public struct Pair: Hashable, Sendable {
        /// The name.
        public var name: String
        /// The value.
        public var value: String

        /// Creates a pair.
        ///
        /// - Parameters:
        ///   - name: The name.
        ///   - value: The value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A request as SigV4 sees it.
    public struct Request: Hashable, Sendable {
        /// The HTTP method, e.g. `GET`.
        public var method: String
        /// The path, not yet percent-encoded, e.g. `/mqtt`.
        public var path: String
        /// The query parameters, not yet percent-encoded, in any order.
        public var query: [Pair]
        /// The headers to sign (names in any case), e.g. `host`.
        public var headers: [Pair]
        /// The hexadecimal SHA-256 of the body.
        public var payloadHash: String

        /// Creates a request.
        ///
        /// - Parameters:
        ///   - method: The method.
        ///   - path: The path.
        ///   - query: The query parameters.
        ///   - headers: The signed headers.
        ///   - payloadHash: The body's SHA-256 (of nothing by default).
        public init(
            method: String = "GET", path: String, query: [Pair] = [],
            headers: [Pair], payloadHash: String = AWSSigV4Signer.emptyPayloadHash
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// `yyyyMMdd'T'HHmmss'Z'` of `time`.
    public static func amzDate(_ time: AWSSigningTime) -> String { time.amzDate }

    /// The credential scope: `date/region/service/aws4_request`.
    public func scope(at time: AWSSigningTime) -> String {
        "\(time.dateStamp)/\(region)/\(service)/aws4_request"
    }

    /// The lowercase, sorted, `;`-joined names of the request's headers.
    public static func signedHeaders(_ request: Request) -> String {
        Set(request.headers.map { $0.name.lowercased() }).sorted().joined(separator: ";")
    }

    /// The canonical request (task 1 of SigV4).
    public static func canonicalRequest(_ request: Request) -> String {
        var encoded: [(name: String, value: String)] = request.query.map {
            (name: percentEncode($0.name), value: percentEncode($0.value))
        }
        encoded.sort { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        let query = encoded.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        var headerValues: [String: [String]] = [:]
        for header in request.headers {
            headerValues[header.name.lowercased(), default: []].append(trimmed(header.value))
        }
        var headers = ""
        for name in headerValues.keys.sorted() {
            let values: [String] = headerValues[name] ?? []
            headers += name + ":" + values.joined(separator: ",") + "\n"
        }
        let path: String
        if request.path.isEmpty {
            path = "/"
        } else {
            let segments = request.path.split(separator: "/", omittingEmptySubsequences: false)
            path = segments.map { percentEncode(String($0)) }.joined(separator: "/")
        }
        let lines: [String] = [request.method, path, query, headers, signedHeaders(request), request.payloadHash]
        return lines.joined(separator: "\n")
    }

    /// The string to sign (task 2).
    public func stringToSign(_ request: Request, at time: AWSSigningTime) -> String {
        let hash = SHA256.hash(data: Array(Self.canonicalRequest(request).utf8))
        return ["AWS4-HMAC-SHA256", time.amzDate, scope(at: time), Self.hex(hash)].joined(separator: "\n")
    }

    /// The signature (tasks 3 and 4), in hexadecimal.
    public func signature(_ request: Request, secretAccessKey: String, at time: AWSSigningTime) -> String {
        var key = SymmetricKey(data: Array("AWS4\(secretAccessKey)".utf8))
        for part in [time.dateStamp, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign(request, at: time).utf8), using: key)
        return Self.hex(mac)
    }

    /// Presigns a WebSocket upgrade for AWS IoT Core: the query gets `X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders=host` and `X-Amz-Signature`, and
    /// the session token, if any, is appended after signing as `X-Amz-Security-Token` (AWS IoT
    /// does not sign it).
    ///
    /// - Parameters:
    ///   - request: The upgrade request (its path and `Host`).
    ///   - credentials: The credentials.
    ///   - time: The signing time.
    /// - Returns: The request with the signed query.
    public func presign(
        _ request: MQTTWebSocketHandshakeRequest, credentials: AWSCredentials, at time: AWSSigningTime
    ) -> MQTTWebSocketHandshakeRequest {
        let (path, existing) = Self.splitQuery(request.path)
        var query = existing
        query.append(Pair(name: "X-Amz-Algorithm", value: "AWS4-HMAC-SHA256"))
        query.append(
            Pair(name: "X-Amz-Credential", value: "\(credentials.accessKeyID)/\(scope(at: time))"))
        query.append(Pair(name: "X-Amz-Date", value: time.amzDate))
        query.append(Pair(name: "X-Amz-SignedHeaders", value: "host"))
        let signable = Request(path: path, query: query, headers: [Pair(name: "host", value: request.host)])
        query.append(
            Pair(
                name: "X-Amz-Signature",
                value: signature(signable, secretAccessKey: credentials.secretAccessKey, at: time)))
        if let token = credentials.sessionToken {
            query.append(Pair(name: "X-Amz-Security-Token", value: token))
        }
        var signed = request
        signed.path =
            path + "?"
            + query.map { "\(Self.percentEncode($0.name))=\(Self.percentEncode($0.value))" }
            .joined(separator: "&")
        return signed
    }

    // MARK: - Encoding

    /// RFC 3986 percent-encoding as SigV4 wants it: everything but `A-Z a-z 0-9 - _ . ~`, upper-case hex.
    public static func percentEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (byte < 16 ? "0" : "") + hex
            }
        }
        return output
    }

    /// Decodes `%XX` sequences (and nothing else).
    static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let value = UInt8(String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Splits `path?query` into the path and decoded parameters.
    static func splitQuery(_ target: String) -> (String, [Pair]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, []) }
        let query = target[target.index(after: mark)...]
        let parameters = query.split(separator: "&").map { pair -> Pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return Pair(
                name: percentDecode(parts[0]), value: parts.count > 1 ? percentDecode(parts[1]) : "")
        }
        return (String(target[..<mark]), parameters)
    }

    /// Trims a header value and collapses its inner runs of spaces.
    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
