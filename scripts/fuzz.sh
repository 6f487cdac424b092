#!/usr/bin/env bash
# Build the libFuzzer target for the Sieve engine and run it for N seconds
# (default 60) over tests/fuzz/corpus plus the Pigeonhole scripts.
# Crashes land in build-fuzz/ as crash-*; the run fails if any appears.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus"
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isieve"
clang $flags $(pkg-config --cflags libpcre2-8) tests/fuzz/fuzz_sieve.c sieve/*.c \
	-o "$out/fuzz_sieve" $(pkg-config --libs libpcre2-8) -lm
# Seed: our corpus, our sample scripts and the conformance scripts.
seeds=("$out/corpus" tests/fuzz/corpus)
for d in tests/sieve examples/sieve ../shared/conformance/pigeonhole/examples; do
	[ -d "$d" ] && seeds+=("$d")
done
rm -f "$out"/crash-* "$out"/timeout-* "$out"/leak-*
cd "$out"
set +e
./fuzz_sieve -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=8192 -print_final_stats=1 "${seeds[@]/#/../}" 2>&1 | tail -n 25
rc=${PIPESTATUS[0]}
set -e
found=$(ls crash-* timeout-* leak-* 2>/dev/null | wc -l)
if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
	echo "fuzz: 0 passed, 1 failed ($found findings, exit $rc)"
	exit 1
fi
echo "fuzz: 1 passed, 0 failed (${secs}s, no findings)"
