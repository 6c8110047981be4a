public import ServiceLifecycle

extension MQTTClient: Service {
    /// Runs the client as a swift-service-lifecycle `Service`: starts it (keeping it connected,
    /// see ``start()``), waits for a graceful shutdown or the cancellation of the calling task,
    /// then stops it (``stop(disconnect:)``, a normal DISCONNECT) and returns.
    ///
    /// List the client before the services that use it, so that a `ServiceGroup` shuts those down
    /// (in reverse order) while the connection is still up:
    ///
    /// ```swift
    /// let group = ServiceGroup(
    ///     services: [mqtt, thermostatService], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    /// try await group.run()
    /// ```
    public func run() async throws {
        start()
        // Returns on graceful shutdown, throws CancellationError on cancellation: both end the run.
        try? await gracefulShutdown()
        await stop()
    }
}
