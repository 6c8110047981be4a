import Synchronization

/// The protocol version and maximum packet size shared by a connection's
/// ``MQTTPacketDecoder`` and ``MQTTPacketEncoder``, settable while the channel runs.
///
/// A client starts in the version of its CONNECT and sets ``maximumOutgoingPacketSize`` from the
/// CONNACK; a server learns the version from the CONNECT (the decoder sets it). Values are
/// atomics, so the box is `Sendable`; reads are cheap enough for every packet.
public final class MQTTCodecSettings: Sendable {
    private let versionStorage: Atomic<UInt8>
    private let incomingLimit: Atomic<UInt32>
    private let outgoingLimit: Atomic<UInt32>

    /// Creates settings.
    ///
    /// - Parameters:
    ///   - version: The protocol version of the connection.
    ///   - maximumIncomingPacketSize: The largest frame the decoder accepts.
    ///   - maximumOutgoingPacketSize: The largest frame the encoder produces (the peer's limit).
    public init(
        version: MQTTProtocolVersion,
        maximumIncomingPacketSize: UInt32 = MQTTFrameDecoder.maximumPossiblePacketSize,
        maximumOutgoingPacketSize: UInt32 = MQTTFrameDecoder.maximumPossiblePacketSize
    ) {
        self.versionStorage = Atomic(version.rawValue)
        self.incomingLimit = Atomic(maximumIncomingPacketSize)
        self.outgoingLimit = Atomic(maximumOutgoingPacketSize)
    }

    /// The protocol version packets are encoded and decoded in.
    public var version: MQTTProtocolVersion {
        get { MQTTProtocolVersion(rawValue: versionStorage.load(ordering: .relaxed)) ?? .v5_0 }
        set { versionStorage.store(newValue.rawValue, ordering: .relaxed) }
    }

    /// The largest frame the decoder accepts, counting the fixed header.
    public var maximumIncomingPacketSize: UInt32 {
        get { incomingLimit.load(ordering: .relaxed) }
        set { incomingLimit.store(newValue, ordering: .relaxed) }
    }

    /// The largest frame the encoder produces, counting the fixed header.
    public var maximumOutgoingPacketSize: UInt32 {
        get { outgoingLimit.load(ordering: .relaxed) }
        set { outgoingLimit.store(newValue, ordering: .relaxed) }
    }
}
