#!/usr/bin/env bash
# Install what siren needs to build and test, from Debian's packages.
# Idempotent: does nothing (and never touches the network) when all is present.
# Usage: scripts/deps.sh [build|test|bench]   (default: build)
set -euo pipefail

build_pkgs=(gcc make pkg-config libc6-dev
	libinih-dev libpcre2-dev libjansson-dev libcurl4-openssl-dev libssl-dev)
test_pkgs=(python3 python3-pytest valgrind clang libclang-rt-14-dev
	postfix dovecot-imapd dovecot-lmtpd dovecot-sieve)
bench_pkgs=(postfix dovecot-lmtpd dovecot-sieve)

want=("${build_pkgs[@]}")
case "${1:-build}" in
build) ;;
test) want+=("${test_pkgs[@]}") ;;
bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
*) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Postfix and Dovecot are test peers that the tests start privately on
# loopback; keep their packages from starting system-wide daemons.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	own_policy=1
fi
trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
