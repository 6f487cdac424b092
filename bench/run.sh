#!/usr/bin/env bash
# bench/run.sh: `make bench` runs every bench/*.sh here (but itself), one
# after the other, and fails if any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
for b in bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== $b"
	bash "$b" || { echo "== $b failed"; rc=1; }
done
exit $rc
