#!/usr/bin/env bash
# make check: build everything, then run each stage and add up its
# "N passed, N failed" line.  The last line of output is the total.
set -uo pipefail
cd "$(dirname "$0")/.."
total_p=0 total_f=0 total_s=0
jobs=$(nproc 2>/dev/null || echo 2)

count() {	# count STAGE OUTPUT RC
	local line p f s
	line=$(grep -E '[0-9]+ passed' <<<"$2" | tail -n1)
	p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || true)
	f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true)
	s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || true)
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
	printf '== %s: %d passed, %d failed, %d skipped\n' "$1" "$p" "$f" "$s"
}

stage() {	# stage NAME CMD...
	local name=$1 out rc
	shift
	echo "== $name"
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | tail -n "${CHECK_TAIL:-60}"
	count "$name" "$out" "$rc"
}

build() {
	make -s -j"$jobs" all >/tmp/siren-build.$$ 2>&1 &&
		make -s -j"$jobs" SAN=1 tests >>/tmp/siren-build.$$ 2>&1
	local rc=$?
	if [ $rc -ne 0 ]; then cat /tmp/siren-build.$$; echo "build: 0 passed, 1 failed";
	else echo "build: 1 passed, 0 failed"; fi
	rm -f /tmp/siren-build.$$
	return $rc
}

integration() {
	local rc
	/usr/bin/python3 -m pytest -p no:cacheprovider -q tests/integration "$@"
	rc=$?
	[ $rc -eq 5 ] && { echo "0 passed, 0 failed"; return 0; }	# no tests collected
	return $rc
}

stage build build
if [ "$total_f" -ne 0 ]; then
	echo "$total_p passed, $total_f failed"
	exit 1
fi
stage layers scripts/check-layers.sh
stage unit scripts/run-unit.sh build-asan
if [ -x build/sieve-testsuite ]; then
	stage conformance scripts/conformance.sh build/sieve-testsuite
fi
stage integration integration
if [ "$total_s" -ne 0 ]; then
	echo "$total_p passed, $total_f failed, $total_s skipped"
else
	echo "$total_p passed, $total_f failed"
fi
[ "$total_f" -eq 0 ]
