/// A binary min-heap of deadlines, the single timer queue of a request-response client.
///
/// The event-loop shell keeps exactly one scheduled task, for ``earliest``; every deadline
/// (request timeouts, acknowledgement timeouts, subscription retries, idle sweeps) lives here.
/// Entries are never removed from the middle: an entry whose subject has finished is stale
/// and is dropped when it reaches the top, or all at once by ``compact(keeping:)``.
/// Equal deadlines pop in insertion order.
struct DeadlineHeap<Element> {
    private struct Entry {
        var deadline: MonotonicTime
        var sequence: UInt64
        var element: Element

        func precedes(_ other: Entry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && sequence < other.sequence)
        }
    }

    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    init() {}

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// The earliest deadline, if any.
    var earliest: MonotonicTime? { entries.first?.deadline }

    mutating func insert(_ element: Element, at deadline: MonotonicTime) {
        entries.append(Entry(deadline: deadline, sequence: nextSequence, element: element))
        nextSequence &+= 1
        siftUp(entries.count - 1)
    }

    /// Removes and returns the earliest element if its deadline is at or before `now`.
    mutating func popExpired(now: MonotonicTime) -> (deadline: MonotonicTime, element: Element)? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return (first.deadline, first.element)
    }

    /// Keeps only the elements for which `isLive` returns `true`, in O(n).
    mutating func compact(keeping isLive: (Element) -> Bool) {
        entries.removeAll { !isLive($0.element) }
        guard entries.count > 1 else { return }
        for index in stride(from: entries.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = entries.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            let right = left + 1
            var smallest = left
            if right < count, entries[right].precedes(entries[left]) { smallest = right }
            guard entries[smallest].precedes(entries[parent]) else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
