import NIOCore

/// How the client completes an operation the connection state machine finished: the promise
/// of the caller, typed by operation.
enum MQTTOperationToken: Sendable {
    case publish(EventLoopPromise<MQTTPublishResult>)
    /// A publish whose outcome goes to a callback on the event loop (the request-response hot
    /// path: no promise, no future chain). It cannot be cancelled by identity.
    case publishCallback(@Sendable (Result<MQTTPublishResult, MQTTError>) -> Void)
    case subscribe(EventLoopPromise<MQTTSubAckPacket>)
    case unsubscribe(EventLoopPromise<MQTTUnsubAckPacket>)
    case auth(EventLoopPromise<MQTTAuthPacket>)
    /// A publish recovered from a session store (its caller was in an earlier process); the
    /// outcome goes to ``MQTTClient/recoveredPublishes()``.
    case recovered(UInt64)
    /// A QoS 0 publish whose caller did not wait (``MQTTClient/Configuration/qos0WriteBehindLimit``):
    /// the core frees its place in the window and logs a failure.
    case writeBehind

    /// Identifies the operation (for cancellation): its future.
    var identity: ObjectIdentifier {
        switch self {
        case .publish(let promise): ObjectIdentifier(promise.futureResult)
        case .subscribe(let promise): ObjectIdentifier(promise.futureResult)
        case .unsubscribe(let promise): ObjectIdentifier(promise.futureResult)
        case .auth(let promise): ObjectIdentifier(promise.futureResult)
        case .recovered: ObjectIdentifier(MQTTRecoveredPublish.self)
        case .writeBehind, .publishCallback: ObjectIdentifier(MQTTPublishResult.self)
        }
    }

    func fail(_ error: MQTTError) {
        switch self {
        case .publish(let promise): promise.fail(error)
        case .publishCallback(let completion): completion(.failure(error))
        case .subscribe(let promise): promise.fail(error)
        case .unsubscribe(let promise): promise.fail(error)
        case .auth(let promise): promise.fail(error)
        case .recovered, .writeBehind: break  // reported by the core
        }
    }
}
