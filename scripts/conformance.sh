#!/usr/bin/env bash
# conformance.sh BIN: run the vendored Pigeonhole suite through our runner
# (build/sieve-testsuite).  One line per file: PASS|FAIL|SKIP path (reason).
# Classification: tests/conformance/skip.txt (path<TAB>skip|xfail<TAB>reason),
# then files whose `require`s name an extension the engine lacks are
# skipped ("requires X"); failures/* run with -F.  An xfail file that fails
# counts as skipped ("xfail: reason"); one that passes is reported PASS.
# Exit non-zero when a file that is not skipped fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/sieve-testsuite}
SUITE=../shared/conformance/pigeonhole/tests
SKIPS=tests/conformance/skip.txt
[ -d "$SUITE" ] || SUITE=/work/shared/conformance/pigeonhole/tests
if [ ! -x "$BIN" ]; then echo "conformance: $BIN not built"; exit 1; fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
caps=" $("$BIN" --capabilities) vnd.dovecot.testsuite comparator-i;octet comparator-i;ascii-casemap "
pass=0 fail=0 skip=0
verbose=${CONFORMANCE_VERBOSE:-0}

lookup() {	# lookup PATH -> "kind<TAB>reason" from skip.txt
	[ -f "$SKIPS" ] || return 0
	awk -F'\t' -v p="$1" '$1 == p { print $2 "\t" $3; exit }' "$SKIPS"
}

requires() {	# the capability strings a file requires
	perl -0777 -ne 's{/\*.*?\*/}{}gs; s{^\s*#.*$}{}mg;
		while (/\brequire\s*(\[[^\]]*\]|"[^"]*")/gs) {
			my $l = $1; print "$1\n" while $l =~ /"([^"]*)"/g; }' "$1"
}

missing_req() {
	local r
	while IFS= read -r r; do
		case "$caps" in *" $r "*) ;; *) echo "$r"; return ;; esac
	done < <(requires "$1")
}

# Real extensions (not the bogus names of negative tests) that a compiled
# sub-script requires and the engine lacks.
REAL=" include mime foreverypart extracttext editheader spamtest spamtestplus
	virustest extlists mboxmetadata servermetadata special-use imapsieve "
missing_sub() {
	local dir sub r
	dir=$(dirname "$1")
	while IFS= read -r sub; do
		[ -f "$dir/$sub" ] || continue
		while IFS= read -r r; do
			case "$caps" in *" $r "*) continue ;; esac
			case "$REAL" in *[[:space:]]"$r"[[:space:]]*)
				echo "$r (sub-script $sub)"; return ;; esac
			case "$r" in vnd.dovecot.*)
				echo "$r (sub-script $sub)"; return ;; esac
		done < <(requires "$dir/$sub")
	done < <(perl -0777 -ne 's{/\*.*?\*/}{}gs; s{^\s*#.*$}{}mg;
		while (/\btest_(?:script_compile|multiscript)\s*(\[[^\]]*\]|"[^"]*")/gs) {
			my $l = $1; print "$1\n" while $l =~ /"([^"]*)"/g; }' "$1")
}

files=$(cd "$SUITE" && find . -name '*.svtest' -o -name 'test-address.svtest.in' |
	sed 's|^\./||' | LC_ALL=C sort)
for f in $files; do
	entry=$(lookup "$f")
	kind=${entry%%$'\t'*} reason=${entry#*$'\t'}
	if [ "$kind" = skip ]; then
		echo "SKIP $f ($reason)"; skip=$((skip + 1)); continue
	fi
	m=$(missing_req "$SUITE/$f")
	[ -z "$m" ] && [ "$kind" != xfail ] && m=$(missing_sub "$SUITE/$f")
	if [ -n "$m" ]; then
		echo "SKIP $f (requires $m)"; skip=$((skip + 1)); continue
	fi
	flag=
	case "$f" in failures/*) flag=-F ;; esac
	out=$(cd "$SUITE/$(dirname "$f")" &&
		timeout 20 "$BIN" $flag "$(basename "$f")" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "PASS $f${kind:+ (xfail passed: remove from skip.txt)}"
		pass=$((pass + 1))
	elif [ $rc -eq 77 ]; then
		echo "SKIP $f ($(grep -m1 '^SKIP: ' <<<"$out" | cut -c7-))"
		skip=$((skip + 1))
	elif [ "$kind" = xfail ]; then
		echo "SKIP $f (xfail: $reason)"; skip=$((skip + 1))
	else
		why=$(grep -m1 -E 'FAILED|^FAIL' <<<"$out")
		[ $rc -eq 124 ] && why="timeout"
		[ $rc -gt 128 ] && why="crashed (signal $((rc - 128)))"
		echo "FAIL $f ($why)"; fail=$((fail + 1))
		[ "$verbose" = 1 ] && sed 's/^/    /' <<<"$out"
	fi
done
echo "conformance: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
