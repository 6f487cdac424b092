#!/usr/bin/env python3
"""Notification benchmark driver (bench/notify.sh runs it).

1. latency: N messages over one LMTP connection; each recipient's Sieve
   script notifies slack:... with the Subject as the message; a fake Slack
   endpoint on loopback records when each notification arrives.  Latency
   = arrival at the endpoint - the LMTP 250 for that message (p50, p99).
2. throughput: LMTP messages/s with a script that does not notify, with
   one that notifies an endpoint that answers at once, and with one that
   notifies an endpoint that never answers (the dispatcher saturated with
   hanging requests).  hang/no-notify is the brief's ratio (target 0.9);
   hang/answering isolates the effect of the hang from the cost of the
   durable enqueue itself.
Only loopback, temp dirs, and processes it started (stopped by PID)."""
import argparse
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SIREN = os.path.join(os.environ.get("SIREN_BUILD", os.path.join(ROOT, "build")),
                     "siren")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Endpoint:
    def __init__(self, hang=False):
        self.arrivals = {}
        self.hang = hang
        self.stop_ev = threading.Event()
        ep = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                t = time.monotonic()
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                if ep.hang:
                    ep.stop_ev.wait(60)
                    self.close_connection = True
                    return
                try:
                    ep.arrivals.setdefault(json.loads(body)["text"], t)
                except (ValueError, KeyError):
                    pass
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.stop_ev.set()
        self.server.shutdown()
        self.server.server_close()


def setup(tmp, ep, notify):
    port = free_port()
    home = os.path.join(tmp, "mail", "example.org", "bench")
    os.makedirs(os.path.join(home, "sieve"), exist_ok=True)
    script = ('require ["enotify", "variables"];\n'
              'if header :matches "subject" "*" {\n'
              '  notify :message "${1}" "slack:T1/B2/C3";\n}\n'
              if notify else 'keep;\n')
    with open(os.path.join(home, "sieve", "active.sieve"), "w") as f:
        f.write(script)
    conf = os.path.join(tmp, "siren.conf")
    with open(conf, "w") as f:
        f.write(f"""[server]
listen = 127.0.0.1:{port}
hostname = bench.test
[users]
mode = template
domains = example.org
home = {tmp}/mail/%d/%n
mail_location = {tmp}/mail/%d/%n/Maildir
sieve_script = {tmp}/mail/%d/%n/sieve/active.sieve
[outbox]
spool = {tmp}/outbox
rate_limit = 0
suppress_window = 0
timeout = 30
concurrency = 16
[notify.slack]
base_url = {ep.url}
""")
    return conf, port


class Procs:
    def __init__(self, conf, port, tmp, dispatcher=True):
        self.log = open(os.path.join(tmp, "siren.log"), "ab")
        self.procs = [subprocess.Popen([SIREN, "lmtp", "-c", conf],
                                       stdout=self.log, stderr=self.log)]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.3)
        with open(os.path.join(tmp, "siren.log"), "rb") as f:
            has_disp = b"dispatcher: started" in f.read()
        if dispatcher and not has_disp:
            self.procs.append(subprocess.Popen(
                [SIREN, "queue", "-c", conf, "run"],
                stdout=self.log, stderr=self.log))

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(40)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        self.log.close()


class Lmtp:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), 30)
        self.f = self.s.makefile("rb")
        self.reply()
        self.cmd("LHLO bench.test")

    def reply(self):
        while True:
            line = self.f.readline().decode()
            if len(line) < 4 or line[3] != "-":
                if not line.startswith(("2", "3")):
                    raise RuntimeError("LMTP: " + line)
                return line

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\r\n")
        return self.reply()

    def send(self, subject):
        self.cmd("MAIL FROM:<sender@example.net>")
        self.cmd("RCPT TO:<bench@example.org>")
        self.cmd("DATA")
        msg = (f"From: Sender <sender@example.net>\r\nTo: bench@example.org\r\n"
               f"Subject: {subject}\r\nMessage-ID: <{subject}@bench>\r\n\r\n"
               "Hello.\r\n.\r\n")
        self.s.sendall(msg.encode())
        self.reply()
        return time.monotonic()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def bench_latency(n):
    tmp = tempfile.mkdtemp(prefix="siren-bench-")
    ep = Endpoint()
    conf, port = setup(tmp, ep, notify=True)
    procs = Procs(conf, port, tmp)
    try:
        c = Lmtp(port)
        sent = {}
        for i in range(n):
            subj = "bench-%06d" % i
            sent[subj] = c.send(subj)
        deadline = time.monotonic() + 60
        while len(ep.arrivals) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        lat = [(ep.arrivals[s] - t) * 1000 for s, t in sent.items()
               if s in ep.arrivals]
        return {"messages": n, "notified": len(lat),
                "p50_ms": round(pct(lat, 50), 2) if lat else None,
                "p99_ms": round(pct(lat, 99), 2) if lat else None,
                "max_ms": round(max(lat), 2) if lat else None}
    finally:
        procs.stop()
        ep.close()
        shutil.rmtree(tmp, ignore_errors=True)


def bench_throughput(n, notify, hang):
    tmp = tempfile.mkdtemp(prefix="siren-bench-")
    ep = Endpoint(hang=hang)
    conf, port = setup(tmp, ep, notify=notify)
    procs = Procs(conf, port, tmp)
    try:
        c = Lmtp(port)
        t0 = time.monotonic()
        for i in range(n):
            c.send("tp-%06d" % i)
        return n / (time.monotonic() - t0)
    finally:
        ep.close()
        procs.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    lat = bench_latency(a.n)
    print("latency (LMTP 250 -> endpoint), %(messages)d messages, "
          "%(notified)d notified: p50 %(p50_ms)s ms, p99 %(p99_ms)s ms, "
          "max %(max_ms)s ms" % lat)
    base, fast, hung = [], [], []
    for _ in range(a.rounds):	# interleaved, best of rounds
        base.append(bench_throughput(a.n, notify=False, hang=False))
        fast.append(bench_throughput(a.n, notify=True, hang=False))
        hung.append(bench_throughput(a.n, notify=True, hang=True))
    b, f, h = max(base), max(fast), max(hung)
    print("throughput, %d messages, best of %d: no notify %.1f msg/s, "
          "notify (answering endpoint) %.1f msg/s, notify (hanging "
          "endpoint) %.1f msg/s; hang/no-notify %.2f, hang/answering %.2f"
          % (a.n, a.rounds, b, f, h, h / b, h / f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
