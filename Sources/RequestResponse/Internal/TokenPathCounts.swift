/// How many requests wait on one response topic for a token at each JSON path.
///
/// Requests of one topic nearly always share one path (`clientToken`), so the first path is kept
/// inline and only a second, different path brings a dictionary: the one-request-at-a-time case
/// allocates nothing when a request arrives or leaves.
struct TokenPathCounts: Sendable, Sequence {
    /// The inline path and its count; a path is here or in `others`, never in both.
    private var first: (path: JSONTokenScanner.Path, count: Int)?
    private var others: [JSONTokenScanner.Path: Int] = [:]

    var isEmpty: Bool { first == nil && others.isEmpty }

    /// Counts one more request with its token at `path`.
    mutating func add(_ path: JSONTokenScanner.Path) {
        if let first, first.path == path {
            self.first!.count += 1
        } else if first == nil, others.isEmpty || others[path] == nil {
            first = (path, 1)
        } else {
            others[path, default: 0] += 1
        }
    }

    /// Counts one request fewer with its token at `path`.
    mutating func remove(_ path: JSONTokenScanner.Path) {
        if let first, first.path == path {
            if first.count > 1 {
                self.first!.count -= 1
            } else {
                self.first = nil
            }
            return
        }
        guard let index = others.index(forKey: path) else { return }
        if others.values[index] > 1 {
            others.values[index] -= 1
        } else {
            others.remove(at: index)
        }
    }

    /// How many requests wait with their token at `path`.
    func count(of path: JSONTokenScanner.Path) -> Int {
        if let first, first.path == path { return first.count }
        return others[path] ?? 0
    }

    /// The paths with at least one request, the inline one first.
    func makeIterator() -> Iterator {
        Iterator(first: first?.path, others: others.keys.makeIterator())
    }

    struct Iterator: IteratorProtocol {
        fileprivate var first: JSONTokenScanner.Path?
        fileprivate var others: Dictionary<JSONTokenScanner.Path, Int>.Keys.Iterator

        mutating func next() -> JSONTokenScanner.Path? {
            if let path = first.take() { return path }
            return others.next()
        }
    }
}
