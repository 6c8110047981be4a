public import MQTT5

extension MQTTWebSocketConfiguration {
    /// WebSocket settings that presign every upgrade for AWS IoT Core with SigV4 (IAM
    /// credentials, service `iotdevicegateway`), asking `credentials` before each connection
    /// attempt, so rotated temporary credentials and fresh timestamps are used on reconnection.
    ///
    /// ```swift
    /// var configuration = try MQTTClient.Configuration(url: "wss://xxxx-ats.iot.us-east-1.amazonaws.com/mqtt")
    /// configuration.webSocket = .awsIoTSigV4(region: "us-east-1", credentials: EnvironmentAWSCredentialsProvider())
    /// ```
    ///
    /// - Parameters:
    ///   - region: The AWS region of the endpoint.
    ///   - credentials: Where credentials come from.
    ///   - service: The signing name (`iotdevicegateway` for AWS IoT Core).
    ///   - clock: The signing time (the system clock; a fixed one in tests).
    /// - Returns: The WebSocket settings.
    public static func awsIoTSigV4(
        region: String,
        credentials: any AWSCredentialsProvider,
        service: String = "iotdevicegateway",
        clock: @escaping @Sendable () -> AWSSigningTime = { .now }
    ) -> MQTTWebSocketConfiguration {
        let signer = AWSSigV4Signer(region: region, service: service)
        return MQTTWebSocketConfiguration { request in
            let current = try await credentials.credentials()
            return signer.presign(request, credentials: current, at: clock())
        }
    }
}
