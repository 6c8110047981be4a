import NIOCore
import Testing

@testable import RequestResponse

extension RRSuite {
    @Suite("DeadlineHeap")
    struct DeadlineHeapTests {
        static func ms(_ value: UInt64) -> NIODeadline { .uptimeNanoseconds(value * 1_000_000) }

        @Test("pops in deadline order, equal deadlines in insertion order, only when due")
        func order() {
            var heap = DeadlineHeap<String>()
            heap.insert("c", at: Self.ms(30))
            heap.insert("a1", at: Self.ms(10))
            heap.insert("b", at: Self.ms(20))
            heap.insert("a2", at: Self.ms(10))
            #expect(heap.earliest == Self.ms(10))
            #expect(heap.popExpired(now: Self.ms(5)) == nil)
            var popped: [String] = []
            while let (_, element) = heap.popExpired(now: Self.ms(20)) { popped.append(element) }
            #expect(popped == ["a1", "a2", "b"])
            #expect(heap.count == 1)
            #expect(heap.earliest == Self.ms(30))
        }

        @Test("compact drops stale entries and keeps the order of the rest")
        func compact() {
            var heap = DeadlineHeap<Int>()
            for value in (0..<100).reversed() { heap.insert(value, at: Self.ms(UInt64(value % 10))) }
            heap.compact { $0 % 2 == 0 }
            #expect(heap.count == 50)
            var last = NIODeadline.uptimeNanoseconds(0)
            var seen = 0
            while let (deadline, element) = heap.popExpired(now: .distantFuture) {
                #expect(element % 2 == 0)
                #expect(deadline >= last)
                last = deadline
                seen += 1
            }
            #expect(seen == 50)
        }
    }
}
