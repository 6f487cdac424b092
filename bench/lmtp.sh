#!/usr/bin/env bash
# bench/lmtp.sh: LMTP delivery rate of siren against Dovecot LMTP +
# Pigeonhole on the same workload, driven by Postfix's smtp-source -L:
# 8 concurrent sessions (one smtp-source -d -s 1 per user, 8 at a time),
# 4 KiB messages, 100 users each with the same 10-rule Sieve script.  Loopback only; everything lives in
# a temp dir; both servers are stopped by PID.  Prints both rates
# (msg/s), siren/Dovecot, and peak RSS (sum over each server's processes).
#
#   bench/lmtp.sh [MESSAGES_PER_USER]      (default 16: 1600 messages)
set -euo pipefail
cd "$(dirname "$0")/.."
PER=${1:-16}
USERS=100
SESSIONS=8
SIREN=${SIREN:-build/siren}
for t in smtp-source dovecot; do
	command -v "$t" >/dev/null || { echo "bench/lmtp: $t not installed, skipped"; exit 0; }
done
[ -x "$SIREN" ] || { echo "bench/lmtp: build siren first (make)"; exit 1; }

T=$(mktemp -d /tmp/siren-bench.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.5
	[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
	for _ in $(seq 1 100); do
		(exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench/lmtp: nothing listening on $1" >&2
	return 1
}

# The 10-rule script every user runs (fileinto, header/address tests,
# one regex-free :matches, flags, and the implicit keep for the rest).
cat >"$T/bench.sieve" <<'SIEVE'
require ["fileinto", "imap4flags", "envelope", "subaddress", "relational", "comparator-i;ascii-numeric"];
if header :contains "subject" "invoice" { fileinto "Finance"; stop; }
if address :domain "from" "lists.example.net" { fileinto "Lists"; stop; }
if header :matches "list-id" "*<announce.*>" { fileinto "Announce"; stop; }
if envelope :detail "to" "spam" { fileinto "Junk"; stop; }
if header :contains "x-spam-flag" "YES" { fileinto "Junk"; stop; }
if header :value "gt" :comparator "i;ascii-numeric" "x-priority" "3" { addflag "\\Flagged"; }
if address :is "from" "boss@example.com" { addflag "$Important"; }
if header :contains "subject" ["meeting", "calendar"] { fileinto "Calendar"; stop; }
if size :over 1M { fileinto "Large"; stop; }
if exists "x-newsletter" { fileinto "Newsletters"; stop; }
SIEVE

# Per-user homes with the script, for both servers (same layout).
for srv in siren dovecot; do
	for i in $(seq 1 $USERS); do
		d="$T/$srv/example.org/u$i/sieve"
		mkdir -p "$d"
		cp "$T/bench.sieve" "$d/active.sieve"
	done
done
chown -R mail:mail "$T/dovecot"

# ---- siren -----------------------------------------------------------
SPORT=$(free_port)
cat >"$T/siren.conf" <<CONF
[server]
listen = 127.0.0.1:$SPORT
hostname = bench.siren
max_connections = 64
[users]
mode = template
domains = example.org
home = $T/siren/%d/%n
mail_location = %h/Maildir
sieve_script = %h/sieve/active.sieve
[outbox]
spool = $T/siren-outbox
CONF

# ---- dovecot ---------------------------------------------------------
DPORT=$(free_port)
mkdir -p "$T/dc/run" "$T/dc/state"
cat >"$T/dovecot.conf" <<CONF
base_dir = $T/dc/run
state_dir = $T/dc/state
instance_name = siren-bench-$$
log_path = $T/dc/dovecot.log
protocols = lmtp
listen = 127.0.0.1
ssl = no
mail_location = maildir:~/Maildir
first_valid_uid = 8
mail_uid = mail
mail_gid = mail
lmtp_save_to_detail_mailbox = no
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$T/dovecot/%d/%n
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $DPORT
  }
  unix_listener lmtp {
    mode = 0600
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
protocol lmtp {
  mail_plugins = sieve
}
plugin {
  sieve = file:~/sieve;active=~/sieve/active.sieve
}
CONF

# Peak RSS (kB) summed over a process and its children, sampled until
# the file $1.stop appears.
rss_watch() {	# rss_watch PID OUTFILE
	local pid=$1 out=$2 peak=0 cur
	while [ ! -e "$out.stop" ]; do
		cur=$(ps -o rss= --ppid "$pid" -p "$pid" 2>/dev/null | awk '{s+=$1} END {print s+0}')
		[ "$cur" -gt "$peak" ] && peak=$cur
		sleep 0.05
	done
	echo "$peak" >"$out"
}

drive() {	# drive PORT -> prints elapsed seconds
	local port=$1 start end
	start=$(date +%s.%N)
	# One smtp-source per user, SESSIONS of them at a time: always
	# SESSIONS connections busy, each sending PER messages to its user
	# over one connection (-d).
	seq 1 $USERS | xargs -P $SESSIONS -I{} smtp-source -L -d -s 1 \
		-m "$PER" -l 4096 -f bench@sender.test -t "u{}@example.org" \
		"127.0.0.1:$port"
	end=$(date +%s.%N)
	echo "$end - $start" | bc -l
}

count_mail() {	# count_mail ROOT
	find "$1" -path '*/Maildir*' -type f -path '*/new/*' | wc -l
}

run_one() {	# run_one NAME PORT PID -> "rate rss delivered"
	local name=$1 port=$2 pid=$3 secs rss n
	wait_port "$port"
	rss_watch "$pid" "$T/$name.rss" &
	local w=$!
	secs=$(drive "$port")
	touch "$T/$name.rss.stop"
	wait $w
	rss=$(cat "$T/$name.rss")
	n=$(count_mail "$T/$name")
	echo "$(echo "$n / $secs" | bc -l) $rss $n $secs"
}

"$SIREN" lmtp -c "$T/siren.conf" 2>"$T/siren.log" &
SPID=$!
PIDS+=("$SPID")
read -r s_rate s_rss s_n s_secs < <(run_one siren "$SPORT" "$SPID")
kill "$SPID"; wait "$SPID" 2>/dev/null || true

dovecot -F -c "$T/dovecot.conf" 2>"$T/dovecot.stderr" &
DPID=$!
PIDS+=("$DPID")
read -r d_rate d_rss d_n d_secs < <(run_one dovecot "$DPORT" "$DPID")
kill "$DPID"; wait "$DPID" 2>/dev/null || true

total=$((USERS * PER))
printf 'bench/lmtp: %d messages of 4 KiB to %d users, %d sessions, 10-rule script\n' \
	"$total" "$USERS" "$SESSIONS"
printf '  siren:   %7.1f msg/s  (%d delivered in %.2fs)  peak RSS %d kB\n' \
	"$s_rate" "$s_n" "$s_secs" "$s_rss"
printf '  dovecot: %7.1f msg/s  (%d delivered in %.2fs)  peak RSS %d kB\n' \
	"$d_rate" "$d_n" "$d_secs" "$d_rss"
printf '  siren/dovecot: %.2f\n' "$(echo "$s_rate / $d_rate" | bc -l)"
if [ "$s_n" -ne "$total" ] || [ "$d_n" -ne "$total" ]; then
	echo "  WARNING: not every message was delivered (see logs)"
	tail -5 "$T/siren.log" "$T/dc/dovecot.log" 2>/dev/null || true
fi
