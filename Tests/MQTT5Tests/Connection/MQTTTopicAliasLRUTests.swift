@testable import MQTT5
import Testing

@Suite("Topic alias LRU")
struct MQTTTopicAliasLRUTests {
    @Test("Assigns aliases 1...capacity, then evicts the least recently used")
    func eviction() {
        var lru = MQTTTopicAliasLRU(capacity: 3)
        #expect(lru.alias(for: "a") == (1, true))
        #expect(lru.alias(for: "b") == (2, true))
        #expect(lru.alias(for: "c") == (3, true))
        #expect(lru.alias(for: "a") == (1, false))  // a is now most recent; b least
        #expect(lru.alias(for: "d") == (2, true))  // evicts b
        #expect(lru.topic(for: 2) == "d")
        #expect(lru.alias(for: "b") == (3, true))  // evicts c
        #expect(lru.topic(for: 1) == "a")
        #expect(lru.count == 3)
    }

    @Test("Matches a reference model over a random workload")
    func model() {
        var lru = MQTTTopicAliasLRU(capacity: 8)
        var model: [(topic: String, alias: UInt16)] = []  // most recent last
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let topic = "t\(Int.random(in: 0..<20, using: &generator))"
            let (alias, isNew) = lru.alias(for: topic)
            if let index = model.firstIndex(where: { $0.topic == topic }) {
                #expect(!isNew)
                #expect(model[index].alias == alias)
                model.append(model.remove(at: index))
            } else {
                #expect(isNew)
                if model.count == 8 {
                    let evicted = model.removeFirst()
                    #expect(evicted.alias == alias)
                } else {
                    #expect(Int(alias) == model.count + 1)
                }
                model.append((topic, alias))
            }
        }
    }
}
