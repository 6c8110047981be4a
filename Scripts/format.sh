#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's `swift format` and the repository's
# `.swift-format`, or with `--lint` checks that they are formatted (CI runs that).
# Generated code is left alone: rrgen writes it, and its drift check compares it byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files '*.swift' \
    | grep -v -E '^Sources/IoT(Shadow|Jobs|Identity)/' \
    | grep -v -E '^Tests/RRGenCoreTests/Golden/')

if [ "${1:-}" = "--lint" ]; then
    swift format lint --strict --parallel "${files[@]}"
else
    swift format format --in-place --parallel "${files[@]}"
fi
