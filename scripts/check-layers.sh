#!/usr/bin/env bash
# Enforce the one-way layering: sieve/ includes nothing of ours outside
# itself; notify-methods/ only siren-notify.h and its own folder; mda/
# only sieve/sieve.h and notify-methods/siren-notify.h from other layers.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0 checked=0
check() {	# check FILE ALLOWED-REGEX
	local f=$1 allow=$2 inc
	while IFS= read -r inc; do
		checked=$((checked + 1))
		if ! grep -qE "$allow" <<<"$inc"; then
			echo "$f: forbidden include \"$inc\""
			bad=$((bad + 1))
		fi
	done < <(sed -nE 's/^#[[:space:]]*include[[:space:]]+"([^"]+)".*/\1/p' "$f")
}
for f in sieve/*.[ch]; do [ -e "$f" ] && check "$f" '^[a-z0-9_-]+\.h$'; done
for f in notify-methods/*.[ch] notify-methods/*/*.[ch]; do
	[ -e "$f" ] && check "$f" '^(\.\./)?(siren-notify\.h|notify-[a-z0-9_-]+\.h|[a-z0-9_-]+\.h)$'
done
for f in mda/*.[ch]; do
	[ -e "$f" ] && check "$f" '^(sieve\.h|siren-notify\.h|[a-z0-9_-]+\.h)$'
done
# mda headers must not be reachable from sieve/ or plugins by name.
for f in sieve/*.[ch] notify-methods/*.[ch] notify-methods/*/*.[ch]; do
	[ -e "$f" ] || continue
	for h in mda/*.h; do
		[ -e "$h" ] || continue
		n=$(basename "$h")
		[ -e "$(dirname "$f")/$n" ] && continue
		if grep -qE "^#[[:space:]]*include[[:space:]]+\"$n\"" "$f"; then
			echo "$f: includes mda header $n"; bad=$((bad + 1))
		fi
	done
done
if [ $bad -eq 0 ]; then echo "layers: 1 passed, 0 failed ($checked includes)";
else echo "layers: 0 passed, 1 failed"; exit 1; fi
