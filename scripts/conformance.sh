#!/usr/bin/env bash
# conformance.sh RUNNER: run the vendored Pigeonhole suite through our
# runner (tests/conformance/testsuite.c).  Files listed in
# tests/conformance/expected-pass.txt must pass (a regression there is a
# failure); every other file is reported, and counted as skipped when it
# does not pass yet (unsupported testsuite commands or extensions).
set -uo pipefail
cd "$(dirname "$0")/.."
runner=${1:-build/sieve-testsuite}
suite=${PIGEONHOLE_TESTS:-../shared/conformance/pigeonhole/tests}
expected=tests/conformance/expected-pass.txt
if [ ! -d "$suite" ]; then
	echo "conformance: suite not found at $suite"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
pass=0 fail=0 skip=0 tests_ok=0 tests_all=0
while IFS= read -r f; do
	rel=${f#"$suite"/}
	flag=
	case $rel in failures/*) flag=-F ;; esac
	out=$(timeout 20 "$runner" $flag "$f" 2>&1); rc=$?
	ok=$(grep -c "SUCCEEDED" <<<"$out"); all=$(grep -cE "SUCCEEDED|FAILED" <<<"$out")
	tests_ok=$((tests_ok + ok)) tests_all=$((tests_all + all))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
	elif grep -qxF "$rel" "$expected"; then
		fail=$((fail + 1))
		echo "FAIL $rel (was passing)"
		grep -E "FAILED|error" <<<"$out" | head -5
	else
		skip=$((skip + 1))
	fi
done < <(find "$suite" -name '*.svtest' | sort)
echo "conformance: $pass files pass; test blocks $tests_ok of $tests_all succeeded in files that ran"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
