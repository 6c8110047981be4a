extension MQTTReconnectStateMachine {
    // MARK: Endpoint failover

    /// Where the client stands in its list of endpoints.
    ///
    /// A rotation is one pass over the endpoints, in configured or shuffled order. A failed
    /// attempt moves on to the next endpoint at once; only a rotation in which every endpoint
    /// failed waits for the backoff, and the next rotation starts over (reshuffled). When an
    /// established connection ends, a new rotation starts with its endpoint counted as tried,
    /// so the client fails over to the next one at once. With one endpoint this is the plain
    /// backoff between attempts.
    struct EndpointRotation: Hashable {
        /// The endpoint indices of this rotation, in the order they are tried.
        var order: [Int]
        /// The position in ``order`` of the current (or last) attempt's endpoint.
        var position = 0
        /// How many attempts this rotation has made.
        var tried = 0

        init(count: Int) {
            order = Array(0..<max(1, count))
        }

        /// The index of the current attempt's endpoint in the configuration's endpoints.
        var current: Int { order[position] }
    }

    /// Starts a rotation from the top: the configured order, or a fresh shuffle.
    mutating func startRotation() {
        rotation.position = 0
        rotation.tried = 0
        if configuration.endpointOrder == .shuffled {
            rotation.order.shuffle(using: &generator)
        }
    }

    /// The delay before the next attempt after a failed attempt or an ended connection
    /// (`afterConnection`): zero while the rotation has untried endpoints (moving to the next
    /// one), else the backoff's next delay, starting a new rotation.
    mutating func nextDelay(afterConnection: Bool) -> Duration {
        if afterConnection { rotation.tried = 1 }
        if rotation.tried < rotation.order.count {
            rotation.position = (rotation.position + 1) % rotation.order.count
            return .zero
        }
        startRotation()
        return backoff.nextDelay(using: &generator)
    }

    /// The index (in ``MQTTClient/Configuration/endpoints``) of the endpoint the current attempt uses.
    var currentEndpoint: Int { rotation.current }
}
