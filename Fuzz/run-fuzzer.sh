#!/usr/bin/env bash
# Builds one fuzz target with libFuzzer and AddressSanitizer and runs it for a bounded time on
# a seed corpus.
#
#   Fuzz/run-fuzzer.sh [TARGET] [SECONDS] [LIBFUZZER-FLAG...]
#
# TARGET is FrameDecoderFuzzer (the default), JSONTokenScannerFuzzer or RRGenSchemaFuzzer;
# SECONDS defaults to 60; further flags go to libFuzzer (e.g. -runs=10000000 to stop after ten
# million executions). `FUZZ_BUILD_ONLY=1` builds and writes the seeds, then exits;
# `FUZZ_SKIP_BUILD=1` runs what an earlier call built (so several can run at once);
# `FUZZ_SCRATCH=DIR` builds in DIR instead of .build-fuzz.
#
# lld is used because gold crashes (internal error in format_file_lineno) linking the
# sanitized binary. SwiftPM points `main` at the target's @main, which calls libFuzzer's
# LLVMFuzzerRunDriver (declared by the CLibFuzzerDriver shim).
#
# Crashing inputs are written to Fuzz/crashes/TARGET-crash-...; the corpus grows in
# .build-fuzz/corpus/TARGET. Replay an input without sanitizers:
#   swift run TARGET Fuzz/crashes/TARGET-crash-...
set -euo pipefail

target="FrameDecoderFuzzer"
if [ $# -gt 0 ] && [[ ! "$1" =~ ^[0-9]+$ ]]; then target="$1"; shift; fi
seconds="${1:-60}"
[ $# -gt 0 ] && shift
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

extra_seeds=()
options=()
case "$target" in
    FrameDecoderFuzzer) options=(-max_len=4096) ;;
    JSONTokenScannerFuzzer) options=(-max_len=1024 -dict=Fuzz/dictionaries/json.dict) ;;
    RRGenSchemaFuzzer)
        # Schemas up to 1,280 bytes, seeded with small minified ones
        # (built in): a parse costs about its length, and ten million runs should take minutes.
        options=(-max_len=1280 -dict=Fuzz/dictionaries/rrgen-schema.dict) ;;
    *) echo "unknown fuzz target '$target' (FrameDecoderFuzzer, JSONTokenScannerFuzzer, RRGenSchemaFuzzer)" >&2; exit 64 ;;
esac

scratch="${FUZZ_SCRATCH:-.build-fuzz}"
corpus="$scratch/corpus/$target"
crashes="Fuzz/crashes"
mkdir -p "$corpus" "$crashes"

fuzzer="$scratch/release/$target"
if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
    echo "== building $target (release, -sanitize=fuzzer,address)"
    swift build -c release --scratch-path "$scratch" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld \
        --product "$target"
    fuzzer="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/$target"

    echo "== writing the seed corpus"
    "$fuzzer" --write-seeds "$corpus"
    for seed in "${extra_seeds[@]}"; do cp "$seed" "$corpus/seed-$(basename "$seed")"; done
fi
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0
[ -x "$fuzzer" ] || { echo "no $fuzzer: build it first (without FUZZ_SKIP_BUILD)" >&2; exit 1; }

echo "== fuzzing $target for ${seconds}s"
log="$scratch/fuzz-$target.log"
set +e
# The Swift runtime's backtracer reads the stack of a crashed program, which ASan reports as a
# second error: leave crash reports to libFuzzer and ASan.
SWIFT_BACKTRACE="enable=no" ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1" \
"$fuzzer" "$corpus" \
    -max_total_time="$seconds" \
    "${options[@]}" \
    -rss_limit_mb=2048 \
    -malloc_limit_mb=512 \
    -timeout=10 \
    -print_final_stats=1 \
    -artifact_prefix="$crashes/$target-" \
    "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

executions="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)"
coverage="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')"
crash_count="$(find "$crashes" -type f -name "$target-*" \( -name '*crash-*' -o -name '*leak-*' -o -name '*timeout-*' -o -name '*oom-*' \) | wc -l)"
echo "== $target finished: status ${status}, ${executions:-?} executions, ${coverage:-?} edges covered, ${crash_count} artifacts in $crashes/$target-*"
exit "$status"
