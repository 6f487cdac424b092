"""Helpers for the LMTP integration tests: a private `siren lmtp` on a
free loopback port with its mail under a temp dir, and a small LMTP
client that reads replies line by line."""
import os
import signal
import socket
import subprocess
import time

from conftest import SIREN


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_conf(tmp, port=None, server=None, users=None, extra=""):
    """Write a siren.conf under tmp; returns (path, port)."""
    port = port or free_port()
    srv = {"listen": f"127.0.0.1:{port}", "hostname": "siren.test",
           "idle_timeout": "30s", "data_timeout": "30s",
           "shutdown_timeout": "20s"}
    srv.update(server or {})
    usr = {"mode": "template", "domains": "example.org localhost",
           "home": f"{tmp}/mail/%d/%n",
           "mail_location": f"{tmp}/mail/%d/%n/Maildir",
           "sieve_script": f"{tmp}/mail/%d/%n/sieve/active.sieve"}
    usr.update(users or {})
    lines = ["[server]"] + [f"{k} = {v}" for k, v in srv.items()]
    lines += ["[users]"] + [f"{k} = {v}" for k, v in usr.items()]
    lines += ["[outbox]", f"spool = {tmp}/outbox", extra]
    path = os.path.join(str(tmp), "siren.conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path, port


def maildir_files(tmp, user, domain="example.org", sub="new"):
    d = os.path.join(str(tmp), "mail", domain, user, "Maildir", sub)
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d))


def wait_for(pred, timeout=10.0, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


class Siren:
    """`siren lmtp -c conf` started and stopped by PID."""

    def __init__(self, conf, port):
        self.conf, self.port = conf, port
        self.log = conf + ".log"
        self.proc = None

    def start(self):
        self.logf = open(self.log, "wb")
        self.proc = subprocess.Popen([SIREN, "lmtp", "-c", self.conf],
                                     stdout=self.logf, stderr=self.logf)
        ok = wait_for(self._connectable, 10)
        assert ok, "siren did not start: " + self.logtext()
        return self

    def _connectable(self):
        if self.proc.poll() is not None:
            raise AssertionError("siren exited: " + self.logtext())
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.5).close()
            return True
        except OSError:
            return False

    def logtext(self):
        with open(self.log, "rb") as f:
            return f.read().decode(errors="replace")

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def stop(self, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc:
            self.logf.close()
        return self.proc.returncode if self.proc else None

    def children(self):
        """PIDs of our session processes (children of the master)."""
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    stat = f.read()
                fields = stat.rsplit(")", 1)[1].split()
                if int(fields[1]) == self.proc.pid and \
                        "(siren-session)" in stat:
                    out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
        return out


class Client:
    """A line-oriented LMTP client for transcripts."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed; pending: %r" % self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode()

    def reply(self):
        """One (possibly multi-line) reply, returned as its lines."""
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        return lines

    def replies(self, n):
        """The last line of each of the next n replies."""
        return [self.reply()[-1] for _ in range(n)]

    def closed(self, timeout=5):
        self.sock.settimeout(timeout)
        try:
            rest = self.sock.recv(65536)
            return rest == b""
        except OSError:
            return True

    def close(self):
        self.sock.close()


def lhlo(c):
    greet = c.reply()
    c.send("LHLO mta.test\r\n")
    return greet, c.reply()


def message(subject="hi", body="hello\r\n", size=None):
    m = f"From: a@b.example\r\nTo: x@example.org\r\nSubject: {subject}\r\n" \
        f"Message-ID: <{subject}@test>\r\n\r\n{body}"
    if size:
        m += "x" * (size - len(m) - 2) + "\r\n"
    return m
