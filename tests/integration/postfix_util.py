"""A private Postfix instance for tests: its own config, queue and data
directories under a temp dir, smtpd on a loopback port, everything
relayed over LMTP to siren.  Never touches /etc/postfix's instance."""
import os
import shutil
import subprocess
import tempfile

MASTER_CF = """\
{smtp_port} inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.siren.test
mydomain = siren.test
myorigin = siren.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
# as in examples/postfix-main.cf.snippet
virtual_mailbox_domains = {domains}
virtual_transport = lmtp:inet:127.0.0.1:{lmtp_port}
virtual_mailbox_maps = static:ok
relay_domains =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
default_transport = error:no outside mail from the test instance
lmtp_destination_concurrency_limit = {concurrency}
maillog_file = {d}/postfix.log
maillog_file_prefixes = {d}
smtputf8_enable = yes
biff = no
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
"""


def postfix_available():
    return shutil.which("postfix") is not None or \
        os.path.exists("/usr/sbin/postfix")


class Postfix:
    def __init__(self, smtp_port, lmtp_port, domains="example.org",
                 concurrency=20):
        # Postfix's daemons run as mail_owner and must traverse the path,
        # which pytest's 0700 tmp_path forbids: use a 0755 dir of our own.
        self.dir = tempfile.mkdtemp(prefix="siren-postfix-")
        os.chmod(self.dir, 0o755)
        self.smtp_port = smtp_port
        os.makedirs(os.path.join(self.dir, "queue"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        shutil.chown(os.path.join(self.dir, "data"), "postfix")
        with open(os.path.join(self.dir, "main.cf"), "w") as f:
            f.write(MAIN_CF.format(d=self.dir, lmtp_port=lmtp_port,
                                   domains=domains,
                                   concurrency=concurrency))
        with open(os.path.join(self.dir, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(smtp_port=smtp_port))

    def cmd(self, *args, check=True):
        r = subprocess.run(["postfix", "-c", self.dir, *args],
                           capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError(f"postfix {args}: {r.stdout}{r.stderr}"
                               f"{self.log()}")
        return r

    def start(self):
        self.cmd("start")
        return self

    def stop(self):
        self.cmd("stop", check=False)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        p = os.path.join(self.dir, "postfix.log")
        if not os.path.exists(p):
            return ""
        with open(p, errors="replace") as f:
            return f.read()
