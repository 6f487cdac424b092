"""Dovecot reads what siren writes: messages delivered by our Maildir code
are checked through a private Dovecot IMAP server (imaplib): INBOX and
folders (a non-ASCII name too), flags, keywords, INTERNALDATE, size and
content, subscriptions."""
import os
import re

import pytest

import dovecot_util as dv

pytestmark = pytest.mark.skipif(not dv.available(), reason="no dovecot")

MSG = (b"From: Alice <alice@example.com>\r\n"
       b"To: test@example.org\r\n"
       b"Subject: hello\r\n"
       b"Message-ID: <m1@example.com>\r\n"
       b"\r\n"
       b"line one\r\n"
       b".leading dot\r\n"
       b"last line\r\n")


@pytest.fixture(scope="module")
def server():
    d = dv.PrivateDovecot()
    try:
        tool = dv.build_store_tool(d.base)
        d.start()
        yield d, tool
    finally:
        d.stop()


def fetch_all(m, mailbox, items):
    typ, data = m.select(dv_quote(mailbox), readonly=True)
    assert typ == "OK", data
    count = int(data[0])
    if count == 0:
        return []
    typ, data = m.fetch("1:*", items)
    assert typ == "OK", data
    return data


def dv_quote(name):
    return '"' + name + '"'


def flags_of(line):
    raw = line[0] if isinstance(line, tuple) else line
    return set(re.search(rb"FLAGS \(([^)]*)\)", raw).group(1).split())


def test_inbox_content_size_internaldate(server):
    d, tool = server
    path = dv.store(tool, d.maildir, "", MSG)
    assert "/new/" in path and ",S=%d,W=%d" % (len(MSG) - 8, len(MSG)) in path
    m = d.imap()
    try:
        data = fetch_all(m, "INBOX", "(FLAGS RFC822.SIZE INTERNALDATE "
                                     "BODY.PEEK[])")
        head, body = data[0][0], data[0][1]
        assert body == MSG            # CRLF restored, dot intact
        assert b"RFC822.SIZE %d" % len(MSG) in head
        assert b'INTERNALDATE "14-Nov-2023 22:13:20 +0000"' in head
        assert b"\\Seen" not in head
    finally:
        m.logout()


def test_flags_and_keywords(server):
    d, tool = server
    msg = MSG.replace(b"hello", b"flagged")
    path = dv.store(tool, d.maildir, "Flags", msg,
                    ["\\Seen", "\\Flagged", "$Label1", "Junk"])
    assert "/cur/" in path and path.endswith(":2,FSab")
    m = d.imap()
    try:
        data = fetch_all(m, "Flags", "(FLAGS)")
        assert {b"\\Seen", b"\\Flagged", b"$Label1", b"Junk"} <= \
            flags_of(data[0])
    finally:
        m.logout()
    # Dovecot has seen the keywords file; a second delivery reuses it
    dv.store(tool, d.maildir, "Flags", msg, ["Junk", "\\Answered"])
    m = d.imap()
    try:
        data = fetch_all(m, "Flags", "(FLAGS)")
        assert len(data) == 2
        assert {b"Junk", b"\\Answered"} <= flags_of(data[1])
        assert b"$Label1" not in flags_of(data[1])
    finally:
        m.logout()


def test_folders_and_subscriptions(server):
    d, tool = server
    dv.store(tool, d.maildir, "Work/Reports", MSG)
    dv.store(tool, d.maildir, "Envoyés", MSG)
    m = d.imap()
    try:
        typ, data = m.list()
        names = b"\n".join(data)
        assert b'"." Work.Reports' in names
        assert b"Envoy&AOk-s" in names
        typ, data = m.lsub()
        subs = b"\n".join(data)
        assert b"Work.Reports" in subs and b"Envoy&AOk-s" in subs
        assert fetch_all(m, "Work.Reports", "(BODY.PEEK[])")[0][1] == MSG
        assert fetch_all(m, "Envoy&AOk-s", "(BODY.PEEK[])")[0][1] == MSG
    finally:
        m.logout()


def test_hostile_name_refused(server):
    d, tool = server
    import subprocess
    r = subprocess.run([tool, d.maildir, "../escape", "0"], input=MSG,
                       capture_output=True, timeout=30,
                       preexec_fn=dv.as_mail_user)
    assert r.returncode == 65
    assert not os.path.exists(os.path.join(d.base, "home", "escape"))
    assert not os.path.exists(os.path.join(d.base, "home", ".escape"))
