#!/usr/bin/env bash
# Builds the MQTT frame decoder fuzzer with libFuzzer and AddressSanitizer and runs it for a
# bounded time on a seed corpus generated from valid packets.
#
#   Fuzz/run-fuzzer.sh [seconds]        (default 60)
#
# lld is used because gold crashes (internal error in format_file_lineno) linking the
# sanitized binary. SwiftPM points `main` at the target's @main, which calls libFuzzer's
# LLVMFuzzerRunDriver (declared by the CLibFuzzerDriver shim).
#
# Crashing inputs are written to Fuzz/crashes/; the corpus grows in .build-fuzz/corpus.
# Replay an input without sanitizers: swift run FrameDecoderFuzzer Fuzz/crashes/crash-...
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

scratch=".build-fuzz"
corpus="$scratch/corpus"
crashes="Fuzz/crashes"
mkdir -p "$corpus" "$crashes"

echo "== building FrameDecoderFuzzer (release, -sanitize=fuzzer,address)"
swift build -c release --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld \
    --product FrameDecoderFuzzer
fuzzer="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/FrameDecoderFuzzer"

echo "== writing the seed corpus"
swift build --product FrameDecoderFuzzer >/dev/null
"$(swift build --show-bin-path)/FrameDecoderFuzzer" --write-seeds "$corpus"

echo "== fuzzing for ${seconds}s"
log="$scratch/fuzz.log"
set +e
ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1" \
"$fuzzer" "$corpus" \
    -max_total_time="$seconds" \
    -max_len=4096 \
    -rss_limit_mb=2048 \
    -malloc_limit_mb=512 \
    -timeout=10 \
    -print_final_stats=1 \
    -artifact_prefix="$crashes/" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

executions="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)"
crash_count="$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)"
echo "== fuzzing finished: status ${status}, ${executions:-?} executions in ${seconds}s, ${crash_count} crash artifacts in $crashes"
exit "$status"
