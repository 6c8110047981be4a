#!/usr/bin/env python3
"""Allocations per request, by the first frame of our code (or of any library) that asked.

    heaptrack -o /tmp/rr .build/release/rrbench --host H --port P --duration 3 --concurrency 16 ...
    heaptrack_print -f /tmp/rr.zst --flamegraph-cost-type allocations -F /tmp/rr.folded
    Benchmarks/Scripts/allocations-per-request.py /tmp/rr.folded REQUESTS [ROWS]

REQUESTS is rrbench's `ok_total`. Runtime and standard-library frames (swift_allocObject,
Dictionary internals, ...) are skipped, so each row names the code that caused the allocation.
"""
import collections
import re
import sys

RUNTIME = re.compile(
    r"^(swift_slowAlloc|swift_allocObject|swift_allocBox|malloc|operator new|swift::|_swift|swift_|__|"
    r"_dispatch|\?\?|0x|<unresolved|std::|_int_|posix_memalign|aligned_alloc|calloc|realloc|\$ss|\$sS)"
)


def main() -> None:
    path, requests = sys.argv[1], float(sys.argv[2])
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    by_site: collections.Counter[str] = collections.Counter()
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        frames = [frame.split(" (")[0] for frame in stack.rstrip(";").split(";")]
        site = next((frame for frame in reversed(frames) if not RUNTIME.match(frame)), frames[-1])
        by_site[site[:160]] += int(count)
    total = sum(by_site.values())
    print(f"{total} allocations, {total / requests:.1f} per request")
    for site, count in by_site.most_common(rows):
        print(f"{count / requests:6.2f}  {site}")


if __name__ == "__main__":
    main()
