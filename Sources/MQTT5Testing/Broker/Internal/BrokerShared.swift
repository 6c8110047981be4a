import Logging
import Synchronization

/// What the public ``MQTTTestBroker`` and the event-loop-bound ``BrokerCore`` share: the
/// runtime-changeable faults and capabilities and the observations. All of it is thread-safe.
final class BrokerShared: Sendable {
    let configuration: MQTTTestBroker.Configuration
    let faults: Mutex<MQTTTestBroker.Faults>
    let capabilities: Mutex<MQTTTestBroker.Capabilities>
    let observations: BrokerObservations

    init(configuration: MQTTTestBroker.Configuration) {
        self.configuration = configuration
        self.faults = Mutex(configuration.faults)
        self.capabilities = Mutex(configuration.capabilities)
        self.observations = BrokerObservations(logLimit: configuration.packetLogLimit)
    }

    var currentFaults: MQTTTestBroker.Faults { faults.withLock { $0 } }
    var currentCapabilities: MQTTTestBroker.Capabilities { capabilities.withLock { $0 } }
    var logger: Logger { configuration.logger }
}
