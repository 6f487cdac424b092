"""Helpers for the notification tests: fake service endpoints on loopback,
an outbox spool writer, and a dispatcher process (`siren queue run`)."""
import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time

from conftest import SIREN


def wait_for(pred, timeout=15.0, step=0.05):
    """Poll pred() until it returns something truthy; return it (or the
    last falsy value after timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(step)


class Recorded:
    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body
        self.time = time.monotonic()

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class FakeEndpoint:
    """An HTTP server on 127.0.0.1 that records every request.

    behave(rec) returns (status, headers, body) or the strings "hang"
    (no answer until the server stops or 30 s pass) or "close" (drop the
    connection without answering).  The default answers 200 "ok"."""

    def __init__(self, behave=None):
        self.requests = []
        self.lock = threading.Lock()
        self.behave = behave or (lambda rec: (200, {}, b"ok"))
        self.stopping = threading.Event()
        ep = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                rec = Recorded(self.command, self.path,
                               list(self.headers.items()), body)
                with ep.lock:
                    ep.requests.append(rec)
                ans = ep.behave(rec)
                if ans == "hang":
                    ep.stopping.wait(30)
                    self.close_connection = True
                    return
                if ans == "close":
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                status, headers, data = ans
                if isinstance(data, str):
                    data = data.encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_GET = do_PUT = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def got(self, n=1, timeout=15.0):
        """Wait until at least n requests arrived; return them all."""
        wait_for(lambda: len(self.requests) >= n, timeout)
        with self.lock:
            return list(self.requests)

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def write_config(tmp_path, sections, name="siren.conf"):
    """sections: {"outbox": {"spool": ...}, "notify.webhook": {...}}"""
    lines = []
    for sec, kv in sections.items():
        lines.append("[%s]" % sec)
        for k, v in kv.items():
            lines.append("%s = %s" % (k, v))
        lines.append("")
    path = os.path.join(str(tmp_path), name)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def new_job_id():
    return "msg_%011x%05x%s" % (int(time.time()), 0, secrets.token_hex(8))


def enqueue(spool, method, message="You have mail", user="alice@example.org",
            importance=2, options=(), **extra):
    """Write a job into SPOOL/new exactly as outbox_enqueue does (tmp,
    rename), then poke the wake FIFO.  Returns the job id."""
    for d in ("tmp", "new", "cur", "retry", "dead"):
        os.makedirs(os.path.join(spool, d), exist_ok=True)
    jid = extra.pop("id", None) or new_job_id()
    now = int(time.time())
    job = {
        "id": jid, "version": 1, "user": user, "recipient": user,
        "mailbox": "INBOX", "method": method, "from": None,
        "importance": importance, "options": list(options),
        "message": message, "env_from": "bob@example.net",
        "msg_from": "Bob <bob@example.net>", "msg_subject": "Lunch?",
        "msg_date": None, "msg_id": "<1@example.net>",
        "auto_submitted": None, "arrival": now, "created": now,
        "attempts": 0, "next_attempt": 0, "last_status": 0,
        "last_error": None,
    }
    job.update(extra)
    tmp = os.path.join(spool, "tmp", jid + ".json")
    with open(tmp, "w") as f:
        json.dump(job, f)
    os.rename(tmp, os.path.join(spool, "new", jid + ".json"))
    poke(spool)
    return jid


def poke(spool):
    try:
        fd = os.open(os.path.join(spool, "wake"), os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        os.write(fd, b"w")
    except OSError:
        pass
    os.close(fd)


def jobs_in(spool, state):
    d = os.path.join(spool, state)
    if not os.path.isdir(d):
        return []
    return sorted(f[:-5] for f in os.listdir(d) if f.endswith(".json"))


def load_job(spool, state, jid):
    with open(os.path.join(spool, state, jid + ".json")) as f:
        return json.load(f)


def spool_empty(spool):
    return not any(jobs_in(spool, s) for s in ("new", "cur", "retry"))


class Dispatcher:
    """`siren queue -c CONF run` in the background; log in self.log_path."""

    def __init__(self, conf, tmp_path, tag="dispatcher"):
        self.log_path = os.path.join(str(tmp_path), tag + ".log")
        self.logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen([SIREN, "queue", "-c", conf, "run"],
                                     stdout=self.logf, stderr=self.logf)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.logf.close()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.logf.close()


def siren(*args, timeout=30):
    return subprocess.run([SIREN, *args], capture_output=True, text=True,
                          timeout=timeout)
