import HeapModule
import NIOCore

/// The single timer queue of a request-response client: a min-heap of deadlines over
/// swift-collections' `Heap`.
///
/// The event-loop shell keeps exactly one scheduled task, for ``earliest``; every deadline
/// (request timeouts, acknowledgement timeouts, subscription retries, idle sweeps) lives here.
/// Entries are never removed from the middle: an entry whose subject has finished is stale
/// and is dropped when it reaches the top, or all at once by ``compact(keeping:)``.
/// Equal deadlines pop in insertion order.
struct DeadlineHeap<Element> {
    private struct Entry: Comparable {
        var deadline: NIODeadline
        var sequence: UInt64
        var element: Element

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.deadline, lhs.sequence) < (rhs.deadline, rhs.sequence)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.deadline == rhs.deadline && lhs.sequence == rhs.sequence
        }
    }

    private var heap = Heap<Entry>()
    private var nextSequence: UInt64 = 0

    init() {}

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    /// The earliest deadline, if any.
    var earliest: NIODeadline? { heap.min?.deadline }

    mutating func insert(_ element: Element, at deadline: NIODeadline) {
        heap.insert(Entry(deadline: deadline, sequence: nextSequence, element: element))
        nextSequence &+= 1
    }

    /// Removes and returns the earliest element if its deadline is at or before `now`.
    mutating func popExpired(now: NIODeadline) -> (deadline: NIODeadline, element: Element)? {
        guard let first = heap.min, first.deadline <= now else { return nil }
        heap.removeMin()
        return (first.deadline, first.element)
    }

    /// Keeps only the elements for which `isLive` returns `true`, in O(n).
    mutating func compact(keeping isLive: (Element) -> Bool) {
        heap = Heap(heap.unordered.filter { isLive($0.element) })
    }
}
