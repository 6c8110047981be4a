public import MQTT5

/// One response path of an operation: where it arrives and whether it is the modeled error.
public struct ServiceResponseRoute: Sendable, Hashable {
    /// The response topic with placeholders; `nil` in correlation-data mode, where responses
    /// arrive on the request-response client's response topic.
    public let topic: ServiceTopicTemplate?
    /// Whether responses on this path decode to the modeled error.
    public let isError: Bool

    /// A success response on `topic`.
    public static func success(topic: String) -> ServiceResponseRoute {
        ServiceResponseRoute(topic: ServiceTopicTemplate(topic), isError: false)
    }

    /// An error response on `topic`.
    public static func error(topic: String) -> ServiceResponseRoute {
        ServiceResponseRoute(topic: ServiceTopicTemplate(topic), isError: true)
    }

    /// A success response in correlation-data mode.
    public static let success = ServiceResponseRoute(topic: nil, isError: false)

    /// An error response in correlation-data mode, marked with ``errorUserProperty``.
    public static let error = ServiceResponseRoute(topic: nil, isError: true)

    /// The MQTT 5 user property that marks an error response in correlation-data mode, where
    /// success and error share one response topic: `mqtt-rpc-status: error`.
    public static let errorUserProperty = MQTTUserProperty(name: "mqtt-rpc-status", value: "error")
}
