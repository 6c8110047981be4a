// mqtt5-bench: throughput of the MQTT codec and of topic matching.
//
//   swift build -c release --product mqtt5-bench && .build/release/mqtt5-bench [seconds-per-case] [name-filter]
//
// Each case runs for a fixed time (default 1 s) and reports operations per second; the codec
// cases also report MB/s of frame bytes, beside a plain memcpy of the same bytes in the same run.
//
// With MQTT5_BENCH_BATCHES=N each case instead runs exactly N batches, so that an instruction
// count (valgrind --tool=callgrind) divided by the operations printed does not depend on load:
//
//   MQTT5_BENCH_BATCHES=200 valgrind --tool=callgrind .build/release/mqtt5-bench 1 'decode PUBLISH'

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MQTT5
import NIOCore

let secondsPerCase = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 1.0
let caseDuration = Duration.milliseconds(Int64(secondsPerCase * 1_000))
let nameFilter = CommandLine.arguments.dropFirst(2).first
let fixedBatches = getenv("MQTT5_BENCH_BATCHES").flatMap { Int(String(cString: $0)) }

/// Accumulated so the optimiser cannot drop the measured work.
nonisolated(unsafe) var sink = 0

/// Runs `body` (doing `batch` operations per call) until the case duration has passed.
func measure(_ name: String, batch: Int, bytesPerOperation: Int? = nil, _ body: () -> Void) {
    if let nameFilter, !name.contains(nameFilter) { return }
    let clock = ContinuousClock()
    for _ in 0..<3 { body() }  // warm-up
    var operations = 0
    let start = clock.now
    var elapsed = Duration.zero
    if let fixedBatches {
        for _ in 0..<fixedBatches { body() }
        operations = fixedBatches * batch
        elapsed = clock.now - start
        print("\(name): \(operations) operations")
    } else {
        while elapsed < caseDuration {
            body()
            operations += batch
            elapsed = clock.now - start
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(operations) / seconds
    var line = "\(name.rightPad(50)) \(format(rate).leftPad(14)) ops/s"
    if let bytesPerOperation {
        line += "  \(format(rate * Double(bytesPerOperation) / 1_000_000).leftPad(10)) MB/s"
    }
    print(line)
}

func format(_ value: Double) -> String {
    if value >= 100 { return String(Int(value.rounded())) }
    return String(Double(Int(value * 10)) / 10)
}

extension String {
    func rightPad(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

// MARK: Codec

var properties = MQTTProperties()
properties.payloadFormatIndicator = .bytes
properties.messageExpiryInterval = 60
properties.contentType = "application/json"
properties.responseTopic = "things/device-1/shadow/get/accepted"
properties.correlationData = ByteBuffer(bytes: Array(0..<16))
properties.userProperties = [
    MQTTUserProperty(name: "trace-id", value: "4bf92f3577b34da6"), MQTTUserProperty(name: "tenant", value: "acme"),
]
let publish = MQTTPacket.publish(
    MQTTPublishPacket(
        topic: "things/device-1/shadow/update",
        payload: ByteBuffer(repeating: 0x7B, count: 1_024),
        qos: .atLeastOnce,
        packetIdentifier: 4_711,
        properties: properties
    ))

var frame = ByteBuffer()
do {
    try publish.encode(into: &frame, version: .v5_0)
} catch {
    fatalError("cannot encode the benchmark packet: \(error)")
}
let frameSize = frame.readableBytes
print(
    "mqtt5-bench: \(secondsPerCase) s per case; PUBLISH QoS 1, 1,024-byte payload, 7 properties = \(frameSize)-byte frame\n"
)

let batch = 1_000
var encodeBuffer = ByteBufferAllocator().buffer(capacity: frameSize * batch)
measure("encode PUBLISH", batch: batch, bytesPerOperation: frameSize) {
    encodeBuffer.clear()
    for _ in 0..<batch {
        try! publish.encode(into: &encodeBuffer, version: .v5_0)
    }
    sink &+= encodeBuffer.readableBytes
}

var stream = ByteBufferAllocator().buffer(capacity: frameSize * batch)
for _ in 0..<batch { stream.writeImmutableBuffer(frame) }
measure("decode PUBLISH (payload sliced)", batch: batch, bytesPerOperation: frameSize) {
    var input = stream
    var decoder = MQTTFrameDecoder(version: .v5_0)
    while let packet = try! decoder.decode(&input) {
        if case .publish(let decoded) = packet { sink &+= decoded.payload.readableBytes }
    }
}

// The same frames with a different topic each (`things/device-1000/...` on): every name misses
// the decoder's cache of recent topic names and is built and checked.
var distinctTopics = ByteBufferAllocator().buffer(capacity: (frameSize + 3) * batch)
for index in 0..<batch {
    guard case .publish(var packet) = publish else { fatalError("the benchmark packet is a PUBLISH") }
    packet.topic = "things/device-\(1_000 + index)/shadow/update"
    try! MQTTPacket.publish(packet).encode(into: &distinctTopics, version: .v5_0)
}
measure("decode PUBLISH (a new topic each)", batch: batch, bytesPerOperation: frameSize) {
    var input = distinctTopics
    var decoder = MQTTFrameDecoder(version: .v5_0)
    while let packet = try! decoder.decode(&input) {
        if case .publish(let decoded) = packet { sink &+= decoded.payload.readableBytes }
    }
}

measure("encode + decode PUBLISH", batch: batch, bytesPerOperation: frameSize) {
    encodeBuffer.clear()
    for _ in 0..<batch {
        try! publish.encode(into: &encodeBuffer, version: .v5_0)
    }
    var decoder = MQTTFrameDecoder(version: .v5_0)
    while let packet = try! decoder.decode(&encodeBuffer) {
        if case .publish(let decoded) = packet { sink &+= decoded.payload.readableBytes }
    }
}

let source = [UInt8](repeating: 0x7B, count: frameSize)
var destination = [UInt8](repeating: 0, count: frameSize * batch)
measure("memcpy of the same frame bytes", batch: batch, bytesPerOperation: frameSize) {
    source.withUnsafeBytes { from in
        destination.withUnsafeMutableBytes { to in
            for index in 0..<batch {
                memcpy(to.baseAddress! + index * frameSize, from.baseAddress!, frameSize)
            }
        }
    }
    sink &+= Int(destination[frameSize * batch - 1])
}

let pubAck = MQTTPacket.pubAck(MQTTPubAckPacket(packetIdentifier: 4_711))
measure("encode + decode PUBACK", batch: batch) {
    encodeBuffer.clear()
    for _ in 0..<batch { try! pubAck.encode(into: &encodeBuffer, version: .v5_0) }
    var decoder = MQTTFrameDecoder(version: .v5_0)
    while let packet = try! decoder.decode(&encodeBuffer) {
        if case .pubAck(let ack) = packet { sink &+= Int(ack.packetIdentifier) }
    }
}

// MARK: Topic matching

print("")
let filterCount = 1_000
var filters: [String] = []
for index in 0..<filterCount {
    switch index % 4 {
    case 0: filters.append("things/device-\(index)/shadow/update/accepted")
    case 1: filters.append("things/device-\(index)/shadow/+/accepted")
    case 2: filters.append("things/device-\(index)/jobs/#")
    default: filters.append("fleet/+/group-\(index)/#")
    }
}
var trie = TopicFilterTrie<Int>()
for (index, filter) in filters.enumerated() { trie.insert(index, for: filter) }
let topics = (0..<64).map { index -> String in
    switch index % 3 {
    case 0: "things/device-\(index * 13 % filterCount)/shadow/update/accepted"
    case 1: "things/device-\(index * 7 % filterCount)/jobs/notify-next"
    default: "fleet/eu-west/group-\(index * 11 % filterCount)/telemetry"
    }
}

measure("MQTTTopic.matches (one filter, one topic)", batch: topics.count * 16) {
    for topic in topics {
        for filter in filters.prefix(16) where MQTTTopic.matches(filter: filter, topic: topic) {
            sink &+= 1
        }
    }
}

measure("MQTTTopic.matches, linear scan of \(filterCount) filters", batch: topics.count) {
    for topic in topics {
        for filter in filters where MQTTTopic.matches(filter: filter, topic: topic) {
            sink &+= 1
        }
    }
}

measure("TopicFilterTrie routing over \(filterCount) filters", batch: topics.count) {
    for topic in topics {
        trie.forEachMatch(of: topic) { sink &+= $0 }
    }
}

print("\n(checksum \(sink & 0xFFFF))")
