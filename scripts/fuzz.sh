#!/usr/bin/env bash
# Build every libFuzzer target under tests/fuzz/ (each against the engine's
# sources) and run each for N seconds (default 60), seeded with our corpus,
# our sample scripts and the Pigeonhole scripts.  Findings land in
# build-fuzz/<target>/ as crash-*, timeout-* or leak-*; any finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
root=$PWD
flags=(-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -Isieve)
seeds=(tests/fuzz/corpus)
for d in tests/sieve examples/sieve ../shared/conformance/pigeonhole/examples; do
	[ -d "$d" ] && seeds+=("$root/$d")
done
seeds[0]=$root/${seeds[0]}
failed=0 passed=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	out=build-fuzz/$name
	mkdir -p "$out/corpus"
	clang "${flags[@]}" $(pkg-config --cflags libpcre2-8) "$src" sieve/*.c \
		-o "$out/$name" $(pkg-config --libs libpcre2-8) -lm
	rm -f "$out"/crash-* "$out"/timeout-* "$out"/leak-*
	echo "== $name: ${secs}s"
	set +e
	(cd "$out" && ./"$name" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
		corpus "${seeds[@]}" 2>&1 | tail -n 12)
	rc=$?
	set -e
	found=$(find "$out" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' \
		-o -name 'leak-*' \) | wc -l)
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		echo "$name: $found findings (exit $rc) in $out"
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed (${secs}s each)"
[ "$failed" -eq 0 ]
