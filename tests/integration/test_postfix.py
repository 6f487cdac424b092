"""End to end through a real Postfix: SMTP in on a private loopback
instance, LMTP out to siren, the message in the Maildir."""
import os
import smtplib

import pytest

from lmtp_util import Siren, free_port, maildir_files, wait_for, write_conf
from postfix_util import Postfix, postfix_available

pytestmark = [
    pytest.mark.skipif(not postfix_available(),
                       reason="postfix is not installed"),
    pytest.mark.skipif(os.geteuid() != 0,
                       reason="a private Postfix instance needs root"),
]


@pytest.fixture
def chain(tmp_path):
    conf, port = write_conf(tmp_path)
    s = Siren(conf, port).start()
    pf = Postfix(free_port(), port)
    try:
        pf.start()
        yield s, pf, tmp_path
    finally:
        pf.stop()
        s.stop()
        pf.cleanup()


def submit(pf, rcpts, subject):
    msg = (f"From: sender@outside.test\r\nTo: {', '.join(rcpts)}\r\n"
           f"Subject: {subject}\r\nMessage-ID: <{subject}@outside.test>\r\n"
           f"\r\nHello through Postfix.\r\n")
    with smtplib.SMTP("127.0.0.1", pf.smtp_port, timeout=30) as smtp:
        refused = smtp.sendmail("sender@outside.test", rcpts, msg)
    assert refused == {}


def test_postfix_hands_off_over_lmtp(chain):
    s, pf, tmp = chain
    submit(pf, ["alice@example.org", "bob+lists@example.org"], "viapf")
    for user in ("alice", "bob"):
        files = wait_for(lambda: maildir_files(tmp, user), 60, 0.2)
        assert len(files) == 1, pf.log()[-3000:] + s.logtext()
        data = open(files[0], "rb").read()
        assert b"Subject: viapf" in data
        assert b"Return-Path: <sender@outside.test>" in data
        assert b"with LMTP" in data
        assert b"by postfix.siren.test" in data   # Postfix's Received:
    assert wait_for(lambda: pf.log().count("status=sent") >= 2, 30, 0.2)
    assert "msgid=<viapf@outside.test>" in s.logtext()


def test_postfix_unknown_domain_is_bounced_by_siren(tmp_path):
    conf, port = write_conf(tmp_path)
    s = Siren(conf, port).start()
    pf = Postfix(free_port(), port, domains="example.org other.test")
    try:
        pf.start()
        submit(pf, ["who@other.test"], "bounce")
        assert wait_for(lambda: "status=bounced" in pf.log(), 60, 0.2), \
            pf.log()[-3000:]
        assert "5.1.1" in pf.log()
    finally:
        pf.stop()
        s.stop()
        pf.cleanup()
