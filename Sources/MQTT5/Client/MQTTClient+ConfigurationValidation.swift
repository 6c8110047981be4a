extension MQTTClient.Configuration {
    /// What makes this configuration unusable, checked by ``MQTTClient/start()`` before any
    /// connection attempt (the client then stops with ``MQTTError/Code/invalidConfiguration``).
    var configurationProblem: String? {
        if let problem = extendedValidation.check(clientIdentifier: clientIdentifier) { return problem }
        if protocolVersion == .v3_1 {
            // MQTT 3.1 (section 3.1, Client Identifier): 1 to 23 characters; no broker-assigned identifiers.
            let length = clientIdentifier.unicodeScalars.count
            if length == 0 || length > 23 {
                return "MQTT 3.1 needs a client identifier of 1 to 23 characters (got \(length))"
            }
        }
        return nil
    }
}
