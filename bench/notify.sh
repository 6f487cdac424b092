#!/usr/bin/env bash
# Notification benchmark: LMTP 250 -> endpoint latency (p50/p99) and LMTP
# throughput while the notify endpoint hangs versus no notifications.
# Usage: bench/notify.sh [-n MESSAGES] [--rounds R]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/notify_bench.py "$@"
