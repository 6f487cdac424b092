#!/usr/bin/env bash
# bench/sieve.sh: messages per second of the Sieve engine in-process, for
# a 10-rule and a 200-rule script over generated messages (see
# bench/sieve_bench.c).  Usage: bench/sieve.sh [NMESSAGES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/sieve-bench
exec build/sieve-bench "${1:-4000}" "${2:-3}"
