extension MQTTReconnectStateMachine {
    // MARK: Session

    /// The client identifier and Clean Start flag of the next CONNECT.
    ///
    /// The identifier is the configured one, or the one a broker assigned earlier. Clean Start
    /// follows ``Configuration/sessionBehavior``: always with ``MQTTSessionBehavior/clean``, until
    /// a broker first accepted a connection with ``MQTTSessionBehavior/rejoinPostSuccess``, never
    /// with ``MQTTSessionBehavior/rejoinAlways``; and always in MQTT 3.1.1 without an identifier
    /// (which cannot have a session). Whether the broker kept the session is then the CONNACK's
    /// business (``MQTTNegotiatedSettings/sessionLost``).
    func sessionRequest() -> (clientIdentifier: String, cleanStart: Bool) {
        let clientIdentifier = assignedClientIdentifier ?? configuration.clientIdentifier
        var cleanStart: Bool
        switch configuration.sessionBehavior.kind {
        case .clean: cleanStart = true
        case .rejoinPostSuccess: cleanStart = !hadSuccessfulConnection
        case .rejoinAlways: cleanStart = false
        }
        if configuration.protocolVersion.isV3 && clientIdentifier.isEmpty { cleanStart = true }
        return (clientIdentifier, cleanStart)
    }
}
