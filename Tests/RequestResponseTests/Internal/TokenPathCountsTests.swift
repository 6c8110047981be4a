import Testing

@testable import RequestResponse

extension RRSuite {
    @Suite("TokenPathCounts")
    struct TokenPathCountsTests {
        @Test("counts like a dictionary of paths under random adds and removes")
        func matchesDictionary() {
            let paths = ["clientToken", "a.b", "token", "x.y.z"].map(JSONTokenScanner.Path.init)
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<200 {
                var counts = TokenPathCounts()
                var reference: [JSONTokenScanner.Path: Int] = [:]
                for _ in 0..<60 {
                    let path = paths[Int.random(in: 0..<paths.count, using: &generator)]
                    if Bool.random(using: &generator) || reference[path] == nil {
                        counts.add(path)
                        reference[path, default: 0] += 1
                    } else {
                        counts.remove(path)
                        reference[path]! -= 1
                        if reference[path] == 0 { reference[path] = nil }
                    }
                    for path in paths { #expect(counts.count(of: path) == reference[path] ?? 0) }
                    #expect(Set(counts) == Set(reference.keys))
                    #expect(Array(counts).count == reference.count)
                    #expect(counts.isEmpty == reference.isEmpty)
                }
            }
        }

        @Test("removing a path that is not counted changes nothing")
        func removeAbsent() {
            var counts = TokenPathCounts()
            counts.add(JSONTokenScanner.Path("clientToken"))
            counts.remove(JSONTokenScanner.Path("other"))
            #expect(counts.count(of: JSONTokenScanner.Path("clientToken")) == 1)
            counts.remove(JSONTokenScanner.Path("clientToken"))
            #expect(counts.isEmpty)
        }
    }
}
