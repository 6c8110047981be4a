// The MQTT codec and topic matching, on package-benchmark: time and allocations per operation.
// One benchmark iteration runs 1,000 operations (`scalingFactor: .kilo`); `--scale` prints the
// figures per operation.
import Benchmark
import MQTT5
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // MARK: Codec: a 1 KB QoS 1 PUBLISH with 7 properties, as mqtt5-bench.

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
    let frame = {
        var frame = ByteBuffer()
        try! publish.encode(into: &frame, version: .v5_0)
        return frame
    }()
    let frameSize = frame.readableBytes
    let batch = 1_000

    Benchmark("Codec: encode PUBLISH (1 KB, QoS 1, 7 properties)") { benchmark in
        var buffer = ByteBufferAllocator().buffer(capacity: frameSize * batch)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try! publish.encode(into: &buffer, version: .v5_0)
        }
        benchmark.stopMeasurement()
        blackHole(buffer.readableBytes)
    }

    let frames = {
        var stream = ByteBufferAllocator().buffer(capacity: frameSize * batch)
        for _ in 0..<batch { stream.writeImmutableBuffer(frame) }
        return stream
    }()
    Benchmark("Codec: decode PUBLISH (payload sliced)") { benchmark in
        var input = frames
        var decoder = MQTTFrameDecoder(version: .v5_0)
        var bytes = 0
        for _ in benchmark.scaledIterations {
            if case .publish(let decoded)? = try! decoder.decode(&input) { bytes &+= decoded.payload.readableBytes }
        }
        blackHole(bytes)
    }

    let pubAck = MQTTPacket.pubAck(MQTTPubAckPacket(packetIdentifier: 4_711))
    Benchmark("Codec: encode + decode PUBACK") { benchmark in
        var buffer = ByteBufferAllocator().buffer(capacity: 16 * batch)
        benchmark.startMeasurement()
        var sum = 0
        for _ in benchmark.scaledIterations {
            buffer.clear()
            try! pubAck.encode(into: &buffer, version: .v5_0)
            var decoder = MQTTFrameDecoder(version: .v5_0)
            if case .pubAck(let ack)? = try! decoder.decode(&buffer) { sum &+= Int(ack.packetIdentifier) }
        }
        blackHole(sum)
    }

    let source = [UInt8](repeating: 0x7B, count: frameSize)
    Benchmark("Codec: memcpy of the same PUBLISH bytes (baseline)") { benchmark in
        var destination = [UInt8](repeating: 0, count: frameSize * batch)
        benchmark.startMeasurement()
        source.withUnsafeBytes { from in
            destination.withUnsafeMutableBytes { to in
                for index in benchmark.scaledIterations {
                    memcpy(to.baseAddress! + index * frameSize, from.baseAddress!, frameSize)
                }
            }
        }
        benchmark.stopMeasurement()
        blackHole(destination[frameSize * batch - 1])
    }

    // MARK: Topic matching: 1,000 filters, 64 topics, as mqtt5-bench.

    let filterCount = 1_000
    let filters = (0..<filterCount).map { index -> String in
        switch index % 4 {
        case 0: "things/device-\(index)/shadow/update/accepted"
        case 1: "things/device-\(index)/shadow/+/accepted"
        case 2: "things/device-\(index)/jobs/#"
        default: "fleet/+/group-\(index)/#"
        }
    }
    let trie = {
        var trie = TopicFilterTrie<Int>()
        for (index, filter) in filters.enumerated() { trie.insert(index, for: filter) }
        return trie
    }()
    let topics = (0..<64).map { index -> String in
        switch index % 3 {
        case 0: "things/device-\(index * 13 % filterCount)/shadow/update/accepted"
        case 1: "things/device-\(index * 7 % filterCount)/jobs/notify-next"
        default: "fleet/eu-west/group-\(index * 11 % filterCount)/telemetry"
        }
    }
    let pairs = topics.flatMap { topic in filters.prefix(16).map { (filter: $0, topic: topic) } }

    Benchmark("Topic: MQTTTopic.matches (one filter, one topic)") { benchmark in
        var matches = 0
        for index in benchmark.scaledIterations {
            let pair = pairs[index % pairs.count]
            if MQTTTopic.matches(filter: pair.filter, topic: pair.topic) { matches &+= 1 }
        }
        blackHole(matches)
    }

    Benchmark("Topic: TopicFilterTrie routing over 1,000 filters (one topic)") { benchmark in
        var sum = 0
        for index in benchmark.scaledIterations {
            trie.forEachMatch(of: topics[index % topics.count]) { sum &+= $0 }
        }
        blackHole(sum)
    }

    Benchmark(
        "Topic: linear MQTTTopic.matches over 1,000 filters (one topic)",
        configuration: .init(scalingFactor: .one)
    ) { benchmark in
        var matches = 0
        for index in benchmark.scaledIterations {
            let topic = topics[index % topics.count]
            for filter in filters where MQTTTopic.matches(filter: filter, topic: topic) { matches &+= 1 }
        }
        blackHole(matches)
    }
}
