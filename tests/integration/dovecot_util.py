"""A private Dovecot IMAP server for the Maildir interop tests.

Everything lives under one temp directory (config, base_dir, state, logs,
the Maildir); it listens on 127.0.0.1 on a free port, authenticates one
user with a plain password, and is stopped by the master PID it wrote.
The system instance (/etc/dovecot) is never touched.
"""
import imaplib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from conftest import ROOT, BUILD, SIREN

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
MAIL_UID = 65534   # nobody: Dovecot refuses mail access as root
MAIL_GID = 65534
USER, PASSWORD = "test", "secret-pw"

CONF = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:{maildir}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
}}
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def available():
    return os.path.exists(DOVECOT)


class PrivateDovecot:
    """base: a directory every uid can traverse (not pytest's 0700 one)."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="siren-dovecot-")
        os.chmod(self.base, 0o755)
        self.maildir = os.path.join(self.base, "home", "Maildir")
        self.conf = os.path.join(self.base, "dovecot.conf")
        self.port = None
        self.pid = None
        home = os.path.join(self.base, "home")
        os.makedirs(home)
        os.chown(home, MAIL_UID, MAIL_GID)

    def start(self):
        self.port = free_port()
        with open(self.conf, "w") as f:
            f.write(CONF.format(base=self.base, maildir=self.maildir,
                                password=PASSWORD, uid=MAIL_UID,
                                gid=MAIL_GID, port=self.port))
        subprocess.run([DOVECOT, "-c", self.conf], check=True, timeout=30)
        pidfile = os.path.join(self.base, "run", "master.pid")
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                with open(pidfile) as f:
                    self.pid = int(f.read().strip())
                socket.create_connection(("127.0.0.1", self.port),
                                         timeout=1).close()
                return
            except (OSError, ValueError):
                time.sleep(0.1)
        raise RuntimeError("dovecot did not start: " + self.log())

    def log(self):
        try:
            with open(os.path.join(self.base, "dovecot.log")) as f:
                return f.read()
        except OSError:
            return ""

    def imap(self):
        m = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        m.login(USER, PASSWORD)
        return m

    def stop(self):
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.time() + 10
            while time.time() < deadline and _alive(self.pid):
                time.sleep(0.1)
            if _alive(self.pid):
                os.kill(self.pid, signal.SIGKILL)
            self.pid = None
        shutil.rmtree(self.base, ignore_errors=True)


def _alive(pid):
    """True while pid runs (a zombie counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return False


def as_mail_user():
    os.setgid(MAIL_GID)
    os.setuid(MAIL_UID)


def build_store_tool(dest_dir):
    """Compile tests/integration/tools/maildir_store.c against the built
    library into dest_dir; returns its path."""
    out = os.path.join(dest_dir, "maildir_store")
    src = os.path.join(ROOT, "tests", "integration", "tools",
                       "maildir_store.c")
    lib = os.path.join(BUILD, "libsiren-mda.a")
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-o", out, src, lib],
                   check=True, timeout=120)
    os.chmod(out, 0o755)
    return out


def store(tool, maildir, mailbox, message, flags=(), arrival=1700000000):
    """Deliver message (bytes) as the mail user; returns the file path."""
    r = subprocess.run([tool, maildir, mailbox, str(arrival)] + list(flags),
                       input=message, capture_output=True, timeout=30,
                       preexec_fn=as_mail_user)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode().strip()
